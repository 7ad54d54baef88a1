/// What a command asks for, decoded from its payload: the one typed request per command type
/// that the web validates with (every bad field named, before the command is stored) and the
/// bot executes from (the store is shared, so it decodes again and never trusts the writer).
/// `openapi.yaml` describes the same payloads.
public enum CommandRequest: Sendable, Equatable {
    case pauseEngine(reason: String?)
    case resumeEngine(reason: String?)
    case setEngineMode(EngineMode, reason: String?)
    case cancelAll(symbol: String)
    case closePosition(symbol: String)
    case runReconcile
    case rebuildProjection
    case updateConfig(RuntimeConfig, expectedVersion: Int64)
    case placeOrder(OrderRequest)
    case cancelOrder(symbol: String, clientOrderID: String)
    case setLeverage(symbol: String, leverage: Int64)

    /// The order types a PlaceOrder may ask for.
    public static let orderTypes: [OrderType] = [.market, .limit, .stopMarket, .takeProfitMarket]

    /// Decodes `payload` for `type` under the venue's rules (symbols, leverage, time in force).
    /// Every problem is reported at once, each named `payload.<field>`.
    public init(type: CommandType, payload: JSONObject, venue: VenueCapabilities = .binanceUSDM) throws(CommandPayloadError) {
        var body: PayloadReader
        var decoded: CommandRequest?
        func symbol(_ body: inout PayloadReader) -> String? {
            guard let symbol = body.string("symbol", maxLength: venue.symbols.maximumLength) else { return nil }
            guard venue.symbols.isValid(symbol) else {
                body.fail("symbol", "must be \(venue.symbols.description)")
                return nil
            }
            return symbol
        }
        switch type {
        case .pauseEngine, .resumeEngine:
            body = PayloadReader(payload, accepts: ["reason"], path: "payload")
            let reason = body.string("reason", required: false)
            decoded = type == .pauseEngine ? .pauseEngine(reason: reason) : .resumeEngine(reason: reason)
        case .setEngineMode:
            body = PayloadReader(payload, accepts: ["mode", "reason"], path: "payload")
            let mode = body.choice("mode", as: EngineMode.self)
            let reason = body.string("reason", required: false)
            decoded = mode.map { .setEngineMode($0, reason: reason) }
        case .cancelAll, .closePosition:
            body = PayloadReader(payload, accepts: ["symbol"], path: "payload")
            decoded = symbol(&body).map { type == .cancelAll ? .cancelAll(symbol: $0) : .closePosition(symbol: $0) }
        case .runReconcile, .rebuildProjection:
            body = PayloadReader(payload, accepts: [], path: "payload")
            decoded = type == .runReconcile ? .runReconcile : .rebuildProjection
        case .updateConfig:
            body = PayloadReader(payload, accepts: ["config", "expectedVersion"], path: "payload")
            let expected = body.integer("expectedVersion", in: 0...Int64.max)
            var config: RuntimeConfig?
            if let proposed = body.object("config") {
                do throws(ConfigValidationError) {
                    config = try RuntimeConfig(json: proposed, venue: venue)
                } catch {
                    for problem in error.errors { body.fail("config.\(problem.field)", problem.message) }
                }
            }
            if let config, let expected { decoded = .updateConfig(config, expectedVersion: expected) }
        case .placeOrder:
            body = PayloadReader(payload, accepts: ["symbol", "side", "type", "quantity", "price", "stopPrice", "timeInForce", "reduceOnly"],
                                 path: "payload")
            let symbol = symbol(&body)
            decoded = Self.placeOrder(&body, symbol: symbol, venue: venue).map { .placeOrder($0) }
        case .cancelOrder:
            body = PayloadReader(payload, accepts: ["symbol", "clientOrderId"], path: "payload")
            let symbol = symbol(&body)
            let clientOrderID = body.string("clientOrderId", maxLength: 36)
            if let symbol, let clientOrderID { decoded = .cancelOrder(symbol: symbol, clientOrderID: clientOrderID) }
        case .setLeverage:
            body = PayloadReader(payload, accepts: ["symbol", "leverage"], path: "payload")
            let symbol = symbol(&body)
            guard let range = venue.leverage else { throw CommandPayloadError([FieldProblem("type", "\(venue.name) has no leverage")]) }
            let leverage = body.integer("leverage", in: range)
            if let symbol, let leverage { decoded = .setLeverage(symbol: symbol, leverage: leverage) }
        case .internalTransfer, .withdraw:
            throw CommandPayloadError([FieldProblem("type", "\(type.rawValue) is not supported yet")])
        }
        guard body.problems.isEmpty, let decoded else { throw CommandPayloadError(body.problems) }
        self = decoded
    }

    private static func placeOrder(_ body: inout PayloadReader, symbol: String?, venue: VenueCapabilities) -> OrderRequest? {
        let side = body.choice("side", as: OrderSide.self)
        let type = body.choice("type", as: OrderType.self, allowed: orderTypes)
        let quantity = body.positiveAmount("quantity")
        let reduceOnly = body.bool("reduceOnly") ?? false
        let hasPrice = body.object["price"] != nil
        let hasStop = body.object["stopPrice"] != nil
        let hasTimeInForce = body.object["timeInForce"] != nil
        var price: Amount?, stopPrice: Amount?, timeInForce: String?
        switch type {
        case .limit?:
            price = body.positiveAmount("price")
            if hasStop { body.fail("stopPrice", "applies to STOP_MARKET and TAKE_PROFIT_MARKET only") }
            let allowed = venue.timeInForce.sorted()
            if let tif = body.string("timeInForce", required: false, maxLength: 3) {
                if allowed.contains(tif) { timeInForce = tif } else { body.fail("timeInForce", "must be one of \(allowed.joined(separator: ", "))") }
            }
        case .stopMarket?, .takeProfitMarket?:
            stopPrice = body.positiveAmount("stopPrice")
            if hasPrice { body.fail("price", "applies to LIMIT orders only") }
            if hasTimeInForce { body.fail("timeInForce", "applies to LIMIT orders only") }
        case .market?:
            if hasPrice { body.fail("price", "applies to LIMIT orders only") }
            if hasStop { body.fail("stopPrice", "applies to STOP_MARKET and TAKE_PROFIT_MARKET only") }
            if hasTimeInForce { body.fail("timeInForce", "applies to LIMIT orders only") }
        default:
            break
        }
        guard let symbol, let side, let type, let quantity else { return nil }
        return OrderRequest(symbol: symbol, side: side, type: type, quantity: quantity, price: price, stopPrice: stopPrice,
                            timeInForce: timeInForce, reduceOnly: reduceOnly)
    }
}

/// Every field of a command's payload that was wrong.
public struct CommandPayloadError: Error, Sendable, Equatable, CustomStringConvertible {
    public let problems: [FieldProblem]

    public init(_ problems: [FieldProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "; ") }
}
