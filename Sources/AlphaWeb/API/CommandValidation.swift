import AlphaCore
import AlphaJSON

/// Checks a command's payload before it is stored, field by field, so a mistake is a 400 that
/// names the field now rather than a FAILED command later. The bot checks again when it runs
/// the command (the store is shared; the web is not the only writer).
enum CommandValidation {
    /// Types the web accepts; transfers and withdrawals have no executor yet.
    static let accepted: [CommandType] = CommandType.allCases.filter { $0 != .internalTransfer && $0 != .withdraw }
    static let orderTypes: [OrderType] = [.market, .limit, .stopMarket, .takeProfitMarket]
    /// The venue's rules: symbols, leverage, time in force (one source, the venue's capabilities).
    static let venue = VenueCapabilities.binanceUSDM
    static var timesInForce: [String] { venue.timeInForce.sorted() }

    static func isSymbol(_ text: String) -> Bool { venue.symbols.isValid(text) }

    /// Every problem found (paths start with `payload.`); none means the payload may be stored.
    static func problems(_ type: CommandType, _ payload: JSONObject) -> [FieldProblem] {
        var body: BodyReader
        switch type {
        case .pauseEngine, .resumeEngine:
            body = BodyReader(payload, accepts: ["reason"], path: "payload")
            _ = body.string("reason", required: false)
        case .setEngineMode:
            body = BodyReader(payload, accepts: ["mode", "reason"], path: "payload")
            _ = body.choice("mode", as: EngineMode.self)
            _ = body.string("reason", required: false)
        case .cancelAll, .closePosition:
            body = BodyReader(payload, accepts: ["symbol"], path: "payload")
            symbol(&body)
        case .runReconcile, .rebuildProjection:
            body = BodyReader(payload, accepts: [], path: "payload")
        case .updateConfig:
            body = BodyReader(payload, accepts: ["config", "expectedVersion"], path: "payload")
            _ = body.integer("expectedVersion", in: 0...Int64.max)
            if let config = body.object("config") {
                do throws(ConfigValidationError) {
                    _ = try RuntimeConfig(json: config)
                } catch {
                    for problem in error.errors { body.fail("config.\(problem.field)", problem.message) }
                }
            }
        case .placeOrder:
            body = BodyReader(payload, accepts: ["symbol", "side", "type", "quantity", "price", "stopPrice", "timeInForce", "reduceOnly"],
                              path: "payload")
            placeOrder(&body)
        case .cancelOrder:
            body = BodyReader(payload, accepts: ["symbol", "clientOrderId"], path: "payload")
            symbol(&body)
            _ = body.string("clientOrderId", maxLength: 36)
        case .setLeverage:
            body = BodyReader(payload, accepts: ["symbol", "leverage"], path: "payload")
            symbol(&body)
            _ = body.integer("leverage", in: venue.leverage ?? 1...1)
        case .internalTransfer, .withdraw:
            return [FieldProblem("type", "\(type.rawValue) is not supported yet")]
        }
        return body.problems
    }

    private static func symbol(_ body: inout BodyReader) {
        if let symbol = body.string("symbol", maxLength: venue.symbols.maximumLength), !isSymbol(symbol) {
            body.fail("symbol", "must be \(venue.symbols.description)")
        }
    }

    private static func placeOrder(_ body: inout BodyReader) {
        symbol(&body)
        _ = body.choice("side", as: OrderSide.self)
        let type = body.choice("type", as: OrderType.self, allowed: orderTypes)
        _ = body.positiveAmount("quantity")
        _ = body.bool("reduceOnly")
        let hasPrice = body.object["price"] != nil
        let hasStop = body.object["stopPrice"] != nil
        let hasTimeInForce = body.object["timeInForce"] != nil
        switch type {
        case .limit?:
            _ = body.positiveAmount("price")
            if hasStop { body.fail("stopPrice", "applies to STOP_MARKET and TAKE_PROFIT_MARKET only") }
            if let tif = body.string("timeInForce", required: false, maxLength: 3), !timesInForce.contains(tif) {
                body.fail("timeInForce", "must be one of \(timesInForce.joined(separator: ", "))")
            }
        case .stopMarket?, .takeProfitMarket?:
            _ = body.positiveAmount("stopPrice")
            if hasPrice { body.fail("price", "applies to LIMIT orders only") }
            if hasTimeInForce { body.fail("timeInForce", "applies to LIMIT orders only") }
        case .market?:
            if hasPrice { body.fail("price", "applies to LIMIT orders only") }
            if hasStop { body.fail("stopPrice", "applies to STOP_MARKET and TAKE_PROFIT_MARKET only") }
            if hasTimeInForce { body.fail("timeInForce", "applies to LIMIT orders only") }
        default:
            break
        }
    }
}
