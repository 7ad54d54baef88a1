/// What put a symbol in quarantine.
public enum QuarantineCause: String, Sendable, CaseIterable {
    /// An order on the account whose client id is not ours (placed by hand or by another program).
    case outsideOrder = "OUTSIDE_ORDER"
    /// A position the exchange reports that our own fills do not explain.
    case outsidePosition = "OUTSIDE_POSITION"
    /// A user's decision could not be carried out (the adopted position's stop, or the order
    /// flattening it, failed): the symbol is back with the user rather than silently unprotected.
    case decisionFailed = "DECISION_FAILED"
    /// The exchange closed the position itself: the margin fell to the maintenance margin. Nothing
    /// the strategy planned; a person should look before it trades the symbol again.
    case liquidation = "LIQUIDATION"
}

/// How a user ended a quarantine.
public enum QuarantineAction: String, Sendable, CaseIterable {
    /// The position becomes the strategy's (its protective stop is placed).
    case adopt = "ADOPT"
    /// The outside orders are cancelled and the position flattened.
    case close = "CLOSE"
    /// The outside activity stays as it is, and the strategy stays off the symbol.
    case ignore = "IGNORE"
}

/// QuarantineStarted: a symbol the strategy must keep away from, and why.
public struct QuarantineStartedPayload: Payload {
    public var quarantineID: String
    public var symbol: String
    public var cause: QuarantineCause
    /// A sentence for people: what was seen.
    public var reason: String
    /// The outside order that started it, when an order did.
    public var clientOrderID: String?
    /// The position as the exchange had it, and the part our own fills explain.
    public var exchangeAmount: Amount
    public var ownedAmount: Amount
    public var time: Int64

    public init(quarantineID: String, symbol: String, cause: QuarantineCause, reason: String, clientOrderID: String? = nil,
                exchangeAmount: Amount, ownedAmount: Amount, time: Int64) {
        self.quarantineID = quarantineID
        self.symbol = symbol
        self.cause = cause
        self.reason = reason
        self.clientOrderID = clientOrderID
        self.exchangeAmount = exchangeAmount
        self.ownedAmount = ownedAmount
        self.time = time
    }

    public init(json: JSONObject) throws(PayloadError) {
        quarantineID = try json.string("quarantineId")
        symbol = try json.string("symbol")
        cause = try json.choice("cause", as: QuarantineCause.self)
        reason = try json.string("reason")
        clientOrderID = try json.optionalString("clientOrderId")
        exchangeAmount = try json.amount("exchangeAmount")
        ownedAmount = try json.amount("ownedAmount")
        time = try json.int64("time")
    }

    public var json: JSONObject {
        ["quarantineId": .string(quarantineID), "symbol": .string(symbol), "cause": .string(cause.rawValue), "reason": .string(reason),
         "clientOrderId": .optional(clientOrderID), "exchangeAmount": .amount(exchangeAmount), "ownedAmount": .amount(ownedAmount),
         "time": .int(time)]
    }
}

/// QuarantineCompleted: a user's decision and what was done about it.
public struct QuarantineCompletedPayload: Payload {
    public var quarantineID: String
    public var symbol: String
    public var action: QuarantineAction
    /// Who decided: the actor's kind and id (`USER:web:alice`).
    public var by: String
    /// What was done, in a sentence.
    public var detail: String
    /// The position from here on counted as the strategy's (adopt and close: the exchange's
    /// position at the decision; ignore: unchanged, so nil).
    public var ownedAfter: Amount?
    /// Outside orders cancelled (close).
    public var cancelled: [String]
    /// The command that carries out the rest: the protective stop (adopt) or the flattening order (close).
    public var followUpCommandID: String?
    public var time: Int64

    public init(quarantineID: String, symbol: String, action: QuarantineAction, by: String, detail: String, ownedAfter: Amount?,
                cancelled: [String] = [], followUpCommandID: String? = nil, time: Int64) {
        self.quarantineID = quarantineID
        self.symbol = symbol
        self.action = action
        self.by = by
        self.detail = detail
        self.ownedAfter = ownedAfter
        self.cancelled = cancelled
        self.followUpCommandID = followUpCommandID
        self.time = time
    }

    public init(json: JSONObject) throws(PayloadError) {
        quarantineID = try json.string("quarantineId")
        symbol = try json.string("symbol")
        action = try json.choice("action", as: QuarantineAction.self)
        by = try json.string("by")
        detail = try json.string("detail")
        ownedAfter = try json.optionalAmount("ownedAfter")
        cancelled = try json.strings("cancelled")
        followUpCommandID = try json.optionalString("followUpCommandId")
        time = try json.int64("time")
    }

    public var json: JSONObject {
        var object: JSONObject = [
            "quarantineId": .string(quarantineID), "symbol": .string(symbol), "action": .string(action.rawValue), "by": .string(by),
            "detail": .string(detail), "cancelled": .array(cancelled.map { .string($0) }), "time": .int(time),
        ]
        if let ownedAfter { object["ownedAfter"] = .amount(ownedAfter) }
        if let followUpCommandID { object["followUpCommandId"] = .string(followUpCommandID) }
        return object
    }
}
