/// The position in one symbol as the exchange reports it (PositionChanged): absolute values, not
/// deltas, so applying a snapshot twice changes nothing.
public struct PositionPayload: Payload {
    public var symbol: String
    /// Signed: positive long, negative short, zero flat (one-way mode).
    public var amount: Amount
    public var entryPrice: Amount
    public var unrealizedPnl: Amount
    public var reason: String?
    public var time: Int64

    public init(symbol: String, amount: Amount, entryPrice: Amount, unrealizedPnl: Amount = .zero,
                reason: String? = nil, time: Int64) {
        self.symbol = symbol
        self.amount = amount
        self.entryPrice = entryPrice
        self.unrealizedPnl = unrealizedPnl
        self.reason = reason
        self.time = time
    }

    public init(json: JSONObject) throws(PayloadError) {
        symbol = try json.string("symbol")
        amount = try json.amount("amount")
        entryPrice = try json.amount("entryPrice")
        unrealizedPnl = try json.amount("unrealizedPnl")
        reason = try json.optionalString("reason")
        time = try json.int64("time")
    }

    public var json: JSONObject {
        var object: JSONObject = [
            "symbol": .string(symbol), "amount": .amount(amount), "entryPrice": .amount(entryPrice),
            "unrealizedPnl": .amount(unrealizedPnl), "time": .int(time),
        ]
        if let reason { object["reason"] = .string(reason) }
        return object
    }
}

/// One asset's balance as the exchange reports it (BalanceChanged), absolute.
public struct BalancePayload: Payload {
    public var asset: String
    public var walletBalance: Amount
    public var crossWalletBalance: Amount
    /// The change that led here, when the exchange says (`bc` in ACCOUNT_UPDATE).
    public var change: Amount?
    public var reason: String?
    public var time: Int64

    public init(asset: String, walletBalance: Amount, crossWalletBalance: Amount, change: Amount? = nil,
                reason: String? = nil, time: Int64) {
        self.asset = asset
        self.walletBalance = walletBalance
        self.crossWalletBalance = crossWalletBalance
        self.change = change
        self.reason = reason
        self.time = time
    }

    public init(json: JSONObject) throws(PayloadError) {
        asset = try json.string("asset")
        walletBalance = try json.amount("walletBalance")
        crossWalletBalance = try json.amount("crossWalletBalance")
        change = try json.optionalAmount("change")
        reason = try json.optionalString("reason")
        time = try json.int64("time")
    }

    public var json: JSONObject {
        var object: JSONObject = [
            "asset": .string(asset), "walletBalance": .amount(walletBalance),
            "crossWalletBalance": .amount(crossWalletBalance), "time": .int(time),
        ]
        if let change { object["change"] = .amount(change) }
        if let reason { object["reason"] = .string(reason) }
        return object
    }
}
