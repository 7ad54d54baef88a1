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
    /// Ends a symbol's quarantine; adopting a position that is not flat names its protective stop.
    case resolveQuarantine(symbol: String, action: QuarantineAction, stopPrice: Amount?)
    case internalTransfer(asset: String, amount: Amount, direction: TransferDirection)
    case withdraw(WithdrawalRequest)
    /// A tuning run's winner: the strategy, its parameters and how they scored out of sample.
    case proposeParameters(strategy: String, parameters: JSONObject, evidence: JSONObject)
    /// A backtest the bot runs beside its loop, over the candles it keeps.
    case runBacktest(BacktestRequest)

    /// The symbol an exchange command acts on.
    public var symbol: String? {
        switch self {
        case .cancelAll(let symbol), .closePosition(let symbol), .cancelOrder(let symbol, _), .setLeverage(let symbol, _): symbol
        case .placeOrder(let order): order.symbol
        case .resolveQuarantine(let symbol, _, _): symbol
        default: nil
        }
    }

    /// The order types a PlaceOrder may ask for.
    public static let orderTypes: [OrderType] = [.market, .limit, .stopMarket, .takeProfitMarket]

    /// Decodes `payload` for `type` under the venue's rules (symbols, leverage, time in force).
    /// Every problem is reported at once, each named `payload.<field>`.
    // The order commands' fields, built once: a strategy's orders (a backtest's thousands) are read here one by one.
    static let placeOrderFields: Set<String> = ["symbol", "side", "type", "quantity", "price", "stopPrice", "timeInForce", "reduceOnly"]
    static let cancelOrderFields: Set<String> = ["symbol", "clientOrderId"]

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
            body = PayloadReader(payload, accepts: Self.placeOrderFields, path: "payload")
            let symbol = symbol(&body)
            decoded = Self.placeOrder(&body, symbol: symbol, venue: venue).map { .placeOrder($0) }
        case .cancelOrder:
            body = PayloadReader(payload, accepts: Self.cancelOrderFields, path: "payload")
            let symbol = symbol(&body)
            let clientOrderID = body.string("clientOrderId", maxLength: 36)
            if let symbol, let clientOrderID { decoded = .cancelOrder(symbol: symbol, clientOrderID: clientOrderID) }
        case .setLeverage:
            body = PayloadReader(payload, accepts: ["symbol", "leverage"], path: "payload")
            let symbol = symbol(&body)
            guard let range = venue.leverage else { throw CommandPayloadError([FieldProblem("type", "\(venue.name) has no leverage")]) }
            let leverage = body.integer("leverage", in: range)
            if let symbol, let leverage { decoded = .setLeverage(symbol: symbol, leverage: leverage) }
        case .resolveQuarantine:
            body = PayloadReader(payload, accepts: ["symbol", "action", "stopPrice"], path: "payload")
            let symbol = symbol(&body)
            let action = body.choice("action", as: QuarantineAction.self)
            let stopPrice = body.positiveAmount("stopPrice", required: false)
            if stopPrice != nil, let action, action != .adopt { body.fail("stopPrice", "applies to ADOPT only") }
            if let symbol, let action { decoded = .resolveQuarantine(symbol: symbol, action: action, stopPrice: stopPrice) }
        case .proposeParameters:
            body = PayloadReader(payload, accepts: ["strategy", "parameters", "evidence"], path: "payload")
            let strategy = body.string("strategy", maxLength: 64)
            let parameters = body.object("parameters")
            let evidence = body.object("evidence", required: false) ?? [:]
            if let strategy, let parameters { decoded = .proposeParameters(strategy: strategy, parameters: parameters, evidence: evidence) }
        case .runBacktest:
            body = PayloadReader(payload, accepts: BacktestRequest.fields, path: "payload")
            decoded = BacktestRequest.read(&body, symbol: symbol).map { .runBacktest($0) }
        case .internalTransfer:
            body = PayloadReader(payload, accepts: ["asset", "amount", "direction"], path: "payload")
            let asset = Self.asset(&body)
            let amount = body.positiveAmount("amount")
            let direction = body.choice("direction", as: TransferDirection.self)
            if let asset, let amount, let direction { decoded = .internalTransfer(asset: asset, amount: amount, direction: direction) }
        case .withdraw:
            body = PayloadReader(payload, accepts: ["asset", "amount", "address", "network"], path: "payload")
            let asset = Self.asset(&body)
            let amount = body.positiveAmount("amount")
            let address = body.string("address", maxLength: 128)
            if let address, !address.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) { body.fail("address", "must be visible ASCII without spaces") }
            let network = body.string("network", maxLength: 20)
            if let network, !network.utf8.allSatisfy({ (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) }) {
                body.fail("network", "must be the exchange's network code in capitals, such as TRX or BSC")
            }
            if let asset, let amount, let address, let network {
                decoded = .withdraw(WithdrawalRequest(asset: asset, amount: amount, address: address, network: network))
            }
        }
        guard body.problems.isEmpty, let decoded else { throw CommandPayloadError(body.problems) }
        self = decoded
    }

    /// An asset code: 2 to 10 capitals or digits (USDT, BTC, 1INCH).
    private static func asset(_ body: inout PayloadReader) -> String? {
        guard let asset = body.string("asset", maxLength: 10) else { return nil }
        guard asset.utf8.count >= 2, asset.utf8.allSatisfy({ (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) }) else {
            body.fail("asset", "must be an asset code such as USDT (2 to 10 capitals or digits)")
            return nil
        }
        return asset
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

/// A withdrawal as asked for: what leaves, to where, over which network.
public struct WithdrawalRequest: Sendable, Equatable {
    public var asset: String
    public var amount: Amount
    public var address: String
    public var network: String

    public init(asset: String, amount: Amount, address: String, network: String) {
        self.asset = asset
        self.amount = amount
        self.address = address
        self.network = network
    }
}
