/// One fill (TradeExecuted). Keyed by `(symbol, tradeID)`; the fee is a separate FeeCharged fact.
/// Ids are the exchange's, as strings (events stored before schema 6 hold them as numbers, which
/// read as the same strings).
public struct TradePayload: Payload {
    public var symbol: String
    public var tradeID: String
    public var orderID: String
    public var clientOrderID: String?
    public var side: OrderSide
    public var price: Amount
    public var quantity: Amount
    /// Realized profit of this fill in `pnlAsset` (Binance `rp` / `realizedPnl`).
    public var realizedPnl: Amount
    public var pnlAsset: String
    public var maker: Bool
    public var time: Int64

    public init(symbol: String, tradeID: String, orderID: String, clientOrderID: String?, side: OrderSide,
                price: Amount, quantity: Amount, realizedPnl: Amount, pnlAsset: String = "USDT",
                maker: Bool, time: Int64) {
        self.symbol = symbol
        self.tradeID = tradeID
        self.orderID = orderID
        self.clientOrderID = clientOrderID
        self.side = side
        self.price = price
        self.quantity = quantity
        self.realizedPnl = realizedPnl
        self.pnlAsset = pnlAsset
        self.maker = maker
        self.time = time
    }

    public init(json: JSONObject) throws(PayloadError) {
        symbol = try json.string("symbol")
        tradeID = try json.identifier("tradeId")
        orderID = try json.identifier("orderId")
        clientOrderID = try json.optionalString("clientOrderId")
        side = try json.choice("side", as: OrderSide.self)
        price = try json.amount("price")
        quantity = try json.amount("quantity")
        realizedPnl = try json.amount("realizedPnl")
        pnlAsset = try json.string("pnlAsset")
        maker = try json.bool("maker")
        time = try json.int64("time")
    }

    public var json: JSONObject {
        [
            "symbol": .string(symbol), "tradeId": .string(tradeID), "orderId": .string(orderID),
            "clientOrderId": .optional(clientOrderID), "side": .string(side.rawValue),
            "price": .amount(price), "quantity": .amount(quantity), "realizedPnl": .amount(realizedPnl),
            "pnlAsset": .string(pnlAsset), "maker": .bool(maker), "time": .int(time),
        ]
    }
}

/// The commission of one fill (FeeCharged); positive means paid.
public struct FeePayload: Payload {
    public var symbol: String
    public var tradeID: String
    public var asset: String
    public var amount: Amount
    public var time: Int64

    public init(symbol: String, tradeID: String, asset: String, amount: Amount, time: Int64) {
        self.symbol = symbol
        self.tradeID = tradeID
        self.asset = asset
        self.amount = amount
        self.time = time
    }

    public init(json: JSONObject) throws(PayloadError) {
        symbol = try json.string("symbol")
        tradeID = try json.identifier("tradeId")
        asset = try json.string("asset")
        amount = try json.amount("amount")
        time = try json.int64("time")
    }

    public var json: JSONObject {
        ["symbol": .string(symbol), "tradeId": .string(tradeID), "asset": .string(asset),
         "amount": .amount(amount), "time": .int(time)]
    }
}

/// A funding payment (FundingApplied); positive means received, negative paid.
public struct FundingPayload: Payload {
    public var symbol: String
    public var asset: String
    public var amount: Amount
    public var transactionID: String
    public var time: Int64

    public init(symbol: String, asset: String, amount: Amount, transactionID: String, time: Int64) {
        self.symbol = symbol
        self.asset = asset
        self.amount = amount
        self.transactionID = transactionID
        self.time = time
    }

    public init(json: JSONObject) throws(PayloadError) {
        symbol = try json.string("symbol")
        asset = try json.string("asset")
        amount = try json.amount("amount")
        transactionID = try json.identifier("tranId")
        time = try json.int64("time")
    }

    public var json: JSONObject {
        ["symbol": .string(symbol), "asset": .string(asset), "amount": .amount(amount),
         "tranId": .string(transactionID), "time": .int(time)]
    }
}
