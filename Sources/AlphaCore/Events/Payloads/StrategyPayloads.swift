/// StrategyEvaluated: one closed candle as the strategy saw it. It carries the state the strategy
/// returned, so the latest one is where a restarted bot picks the strategy up (state survives a
/// restart, and its dedup key stops a candle from being acted on twice).
public struct StrategyEvaluatedPayload: Payload {
    public var strategy: String
    public var symbol: String
    public var timeframe: String
    public var candleOpenTime: Int64
    public var close: Amount
    /// What the strategy saw, as `{"name", "values"}` objects.
    public var signals: [JSONValue]
    /// How many decisions it made (each is a `DecisionMade` event).
    public var decisions: Int64
    public var state: JSONObject
    /// How long `decide` took, in microseconds.
    public var durationMicroseconds: Int64

    public init(strategy: String, symbol: String, timeframe: String, candleOpenTime: Int64, close: Amount, signals: [JSONValue],
                decisions: Int64, state: JSONObject, durationMicroseconds: Int64) {
        self.strategy = strategy
        self.symbol = symbol
        self.timeframe = timeframe
        self.candleOpenTime = candleOpenTime
        self.close = close
        self.signals = signals
        self.decisions = decisions
        self.state = state
        self.durationMicroseconds = durationMicroseconds
    }

    public init(json: JSONObject) throws(PayloadError) {
        strategy = try json.string("strategy")
        symbol = try json.string("symbol")
        timeframe = try json.string("timeframe")
        candleOpenTime = try json.int64("candleOpenTime")
        close = try json.amount("close")
        guard case .array(let list)? = json["signals"] else { throw .wrongType(field: "signals", expected: "an array") }
        signals = list
        decisions = try json.int64("decisions")
        state = try json.object("state")
        durationMicroseconds = try json.int64("durationMicroseconds")
    }

    public var json: JSONObject {
        ["strategy": .string(strategy), "symbol": .string(symbol), "timeframe": .string(timeframe), "candleOpenTime": .int(candleOpenTime),
         "close": .amount(close), "signals": .array(signals), "decisions": .int(decisions), "state": .object(state),
         "durationMicroseconds": .int(durationMicroseconds)]
    }
}

/// DecisionMade: one thing the strategy wanted on one candle, with its reason, and the commands
/// it became (none when the position already was what it asked for).
public struct DecisionMadePayload: Payload {
    public var strategy: String
    public var symbol: String
    public var candleOpenTime: Int64
    public var index: Int64
    /// "target", "limit" or "cancel".
    public var kind: String
    /// The decision's numbers as decimal strings: target, side, quantity, price, stopLoss, takeProfit.
    public var details: JSONObject
    public var reason: String
    public var commandIDs: [String]

    public init(strategy: String, symbol: String, candleOpenTime: Int64, index: Int64, kind: String, details: JSONObject, reason: String,
                commandIDs: [String]) {
        self.strategy = strategy
        self.symbol = symbol
        self.candleOpenTime = candleOpenTime
        self.index = index
        self.kind = kind
        self.details = details
        self.reason = reason
        self.commandIDs = commandIDs
    }

    public init(json: JSONObject) throws(PayloadError) {
        strategy = try json.string("strategy")
        symbol = try json.string("symbol")
        candleOpenTime = try json.int64("candleOpenTime")
        index = try json.int64("index")
        kind = try json.string("kind")
        details = try json.object("details")
        reason = try json.string("reason")
        guard case .array(let ids)? = json["commandIds"] else { throw .wrongType(field: "commandIds", expected: "an array") }
        commandIDs = try ids.map { value throws(PayloadError) in
            guard case .string(let id) = value else { throw .wrongType(field: "commandIds", expected: "an array of strings") }
            return id
        }
    }

    public var json: JSONObject {
        ["strategy": .string(strategy), "symbol": .string(symbol), "candleOpenTime": .int(candleOpenTime), "index": .int(index),
         "kind": .string(kind), "details": .object(details), "reason": .string(reason), "commandIds": .array(commandIDs.map { .string($0) })]
    }
}
