/// What a `RunBacktest` command asks for: a strategy with its parameters over the candles the bot
/// keeps for a symbol and timeframe, between two times, with the settings a backtest may change.
/// Every other setting is the backtest's default (`alphaengine backtest --help`).
public struct BacktestRequest: Sendable, Equatable {
    public var strategy: String
    public var parameters: JSONObject
    /// nil: the runtime configuration's trading.symbol.
    public var symbol: String?
    public var timeframe: Timeframe
    /// Open times, inclusive; nil: as far as the stored candles go.
    public var from: Timestamp?
    public var until: Timestamp?
    public var initialBalance: Amount?
    public var slippageBasisPoints: Amount?

    public static let fields: Set<String> = ["strategy", "parameters", "symbol", "timeframe", "from", "until", "initialBalance", "slippageBps"]

    /// Reads the payload's fields into `body`, each problem named there.
    static func read(_ body: inout PayloadReader, symbol readSymbol: (inout PayloadReader) -> String?) -> BacktestRequest? {
        let strategy = body.string("strategy", maxLength: 64)
        let parameters = body.object("parameters", required: false) ?? [:]
        let symbol = body.object["symbol"] == nil ? nil : readSymbol(&body)
        var timeframe = Timeframe.oneMinute
        if let name = body.string("timeframe", required: false, maxLength: 8) {
            if let frame = Timeframe(name) { timeframe = frame } else {
                body.fail("timeframe", "must be one of \(Timeframe.all.map(\.name).joined(separator: ", "))")
            }
        }
        func time(_ field: String) -> Timestamp? {
            guard let text = body.string(field, required: false, maxLength: 40) else { return nil }
            guard let time = Timestamp(iso8601: text) else {
                body.fail(field, "must be a UTC time in ISO-8601, such as 2026-01-01T00:00:00Z")
                return nil
            }
            return time
        }
        let from = time("from"), until = time("until")
        if let from, let until, until < from { body.fail("until", "must not be before from") }
        let balance = body.positiveAmount("initialBalance", required: false)
        var slippage: Amount?
        if let text = body.string("slippageBps", required: false, maxLength: 20) {
            if let value = Amount(text), !value.isNegative, value <= Amount(10_000), !text.hasPrefix("+") { slippage = value } else {
                body.fail("slippageBps", "must be a decimal string from \"0\" to \"10000\" (basis points)")
            }
        }
        guard let strategy else { return nil }
        return BacktestRequest(strategy: strategy, parameters: parameters, symbol: symbol, timeframe: timeframe, from: from, until: until,
                               initialBalance: balance, slippageBasisPoints: slippage)
    }

    /// The request as its payload, for the store and the API.
    public var payload: JSONObject {
        var payload: JSONObject = ["strategy": .string(strategy), "parameters": .object(parameters), "timeframe": .string(timeframe.name)]
        if let symbol { payload["symbol"] = .string(symbol) }
        if let from { payload["from"] = .string(from.iso8601) }
        if let until { payload["until"] = .string(until.iso8601) }
        if let initialBalance { payload["initialBalance"] = .string(initialBalance.description) }
        if let slippageBasisPoints { payload["slippageBps"] = .string(slippageBasisPoints.description) }
        return payload
    }
}
