import AlphaCore
import AlphaJSON
import AlphaStrategy

/// Checks a command's payload before it is stored by decoding it as the bot will
/// (`CommandRequest`), so a mistake is a 400 that names every wrong field now rather than a
/// FAILED command later. The bot decodes again when it runs the command (the store is shared;
/// the web is not the only writer).
enum CommandValidation {
    /// Types `POST /api/commands` accepts: withdrawals go through `POST /api/withdrawals`, which
    /// holds them to more rules than the admin role; proposals come from `alphaengine tune --propose`.
    static let accepted: [CommandType] = CommandType.allCases.filter { $0 != .withdraw && $0 != .proposeParameters }
    /// Every problem found (paths start with `payload.`); none means the payload may be stored.
    /// `venue` gives the rules: symbols, leverage, time in force (the store's venue's capabilities).
    static func problems(_ type: CommandType, _ payload: JSONObject, venue: VenueCapabilities) -> [FieldProblem] {
        do throws(CommandPayloadError) {
            // A configuration, and a backtest, must also name a strategy that can run with those parameters.
            switch try CommandRequest(type: type, payload: payload, venue: venue) {
            case .updateConfig(let config, _):
                return StrategyCatalog.problems(in: config).map { FieldProblem("payload.config.\($0.field)", $0.message) }
            case .runBacktest(let backtest):
                do throws(StrategyParameterError) {
                    _ = try StrategyCatalog.prepare(name: backtest.strategy, parameters: backtest.parameters)
                    return []
                } catch {
                    // The catalog names fields as the configuration has them (strategy.name, strategy.params.x).
                    return error.errors.map { problem in
                        let field = problem.field == "strategy.name" ? "strategy"
                            : problem.field.hasPrefix("strategy.params") ? "parameters" + problem.field.dropFirst("strategy.params".count) : problem.field
                        return FieldProblem("payload.\(field)", problem.message)
                    }
                }
            default:
                return []
            }
        } catch {
            return error.problems
        }
    }
}
