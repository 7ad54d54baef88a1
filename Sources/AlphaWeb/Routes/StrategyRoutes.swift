import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaStore
import AlphaStrategy

/// The strategies the bot can run (with each parameter's rule and default, for a settings form)
/// and what each one has earned so far.
extension WebAPI {
    func addStrategyRoutes(to router: inout Router) {
        add(&router, "GET", "/api/strategies", .viewer) { context in
            try QueryReader(context.request, accepts: []).finish()
            let config = try context.storage.configs.runtime().value
            let strategies: [JSONValue] = StrategyCatalog.all.map { descriptor in
                .object([
                    "name": .string(descriptor.name), "summary": .string(descriptor.summary),
                    "simulatorOnly": .bool(StrategyCatalog.simulatorOnly.contains(descriptor.name)),
                    "parameters": .array(descriptor.parameters.map { spec in
                        var parameter: JSONObject = ["name": .string(spec.name), "kind": .string(Self.kind(spec.kind)), "default": spec.defaultValue,
                                                     "rule": .string(spec.rule), "help": .string(spec.help)]
                        for (key, value) in Self.bounds(spec.kind) { parameter[key] = value }
                        return .object(parameter)
                    }),
                ])
            }
            return .json(.object(["active": .string(config.strategyName), "strategies": .array(strategies)]))
        }
        add(&router, "GET", "/api/strategies/results", .viewer) { context in
            try QueryReader(context.request, accepts: []).finish()
            let storage = context.storage
            let (totals, asOf) = try storage.snapshot { () throws -> ([String: StrategyResults.Totals], Int64) in
                var results = StrategyResults()
                var owners: [String: String] = [:]
                let commands = storage.commands
                func owner(_ clientOrderID: String?) -> String {
                    guard let clientOrderID, let commandID = ClientOrderID.commandID(of: clientOrderID) else { return StrategyResults.outside }
                    if let known = owners[clientOrderID] { return known }
                    let actor = (try? commands.command(id: commandID))??.actor
                    let name = actor.map { $0.kind == .strategy ? String($0.id.split(separator: ":").last ?? "") : StrategyResults.manual }
                        ?? StrategyResults.manual
                    owners[clientOrderID] = name
                    return name
                }
                var filter = EventFilter(types: [.tradeExecuted, .feeCharged, .fundingApplied])
                var last: Int64 = 0
                while true {
                    let page = try storage.events.events(matching: filter, limit: 1000)
                    for event in page { results.apply(event, owner: owner) }
                    guard let seq = page.last?.seq, page.count == 1000 else { last = page.last?.seq ?? filter.afterSeq; break }
                    filter.afterSeq = seq
                }
                let positions = Dictionary(try storage.projections.positions().map { ($0.symbol, $0) }, uniquingKeysWith: { $1 })
                let marks = try storage.marketData.marks().mapValues(\.price)
                return (results.marked(positions: positions, marks: marks), last)
            }
            let list: [JSONValue] = totals.sorted { $0.key < $1.key }.map { owner, total in
                .object([
                    "owner": .string(owner), "realizedPnl": .amount(total.realizedPnl), "unrealizedPnl": .amount(total.unrealizedPnl),
                    "fees": .amount(total.fees), "funding": .amount(total.funding), "net": .amount(total.net), "trades": .int(total.trades),
                    "roundTrips": .int(total.roundTrips), "wins": .int(total.wins), "winRate": total.winRate.map { .amount($0) } ?? .null,
                ])
            }
            return .json(.object(["results": .array(list), "throughSeq": .int(asOf)]))
        }
    }

    /// The allowed values in a form's terms (an input's min and max, a select's options), so a
    /// settings page can check a value before it is sent and not only show the rule's sentence.
    private static func bounds(_ kind: ParameterSpec.Kind) -> KeyValuePairs<String, JSONValue> {
        switch kind {
        case .integer(let range): ["minimum": .int(range.lowerBound), "maximum": .int(range.upperBound)]
        case .decimal(let above, let atMost): ["above": .amount(above), "atMost": .amount(atMost)]
        case .choice(let words): ["choices": .array(words.map { .string($0) })]
        case .timeZone: [:]
        }
    }

    private static func kind(_ kind: ParameterSpec.Kind) -> String {
        switch kind {
        case .integer: "integer"
        case .decimal: "decimal"
        case .choice: "choice"
        case .timeZone: "timeZone"
        }
    }
}
