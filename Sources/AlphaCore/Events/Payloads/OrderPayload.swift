/// The state of one order at one moment: the payload of OrderPlaced, OrderUpdated,
/// OrderCancelled and OrderRejected.
public struct OrderPayload: Payload {
    public var symbol: String
    public var clientOrderID: String
    /// The exchange's id, as a string (Binance numbers orders, Upbit uses UUIDs); nil when the
    /// order never reached the exchange.
    public var orderID: String?
    public var side: OrderSide
    public var type: OrderType
    public var status: OrderState
    /// Limit price; zero for market orders.
    public var price: Amount
    public var quantity: Amount
    /// Cumulative filled quantity.
    public var filledQuantity: Amount
    public var averagePrice: Amount
    public var reduceOnly: Bool
    /// Exchange time of this state, epoch milliseconds.
    public var time: Int64
    public var reason: String?

    public init(symbol: String, clientOrderID: String, orderID: String?, side: OrderSide, type: OrderType,
                status: OrderState, price: Amount, quantity: Amount, filledQuantity: Amount = .zero,
                averagePrice: Amount = .zero, reduceOnly: Bool = false, time: Int64, reason: String? = nil) {
        self.symbol = symbol
        self.clientOrderID = clientOrderID
        self.orderID = orderID
        self.side = side
        self.type = type
        self.status = status
        self.price = price
        self.quantity = quantity
        self.filledQuantity = filledQuantity
        self.averagePrice = averagePrice
        self.reduceOnly = reduceOnly
        self.time = time
        self.reason = reason
    }

    public init(json: JSONObject) throws(PayloadError) {
        symbol = try json.string("symbol")
        clientOrderID = try json.string("clientOrderId")
        orderID = try json.optionalIdentifier("orderId")
        side = try json.choice("side", as: OrderSide.self)
        type = try json.choice("type", as: OrderType.self)
        status = try json.choice("status", as: OrderState.self)
        price = try json.amount("price")
        quantity = try json.amount("quantity")
        filledQuantity = try json.amount("filledQuantity")
        averagePrice = try json.amount("averagePrice")
        reduceOnly = try json.bool("reduceOnly")
        time = try json.int64("time")
        reason = try json.optionalString("reason")
    }

    public var json: JSONObject {
        var object: JSONObject = [
            "symbol": .string(symbol), "clientOrderId": .string(clientOrderID),
            "orderId": .optional(orderID),
            "side": .string(side.rawValue), "type": .string(type.rawValue), "status": .string(status.rawValue),
            "price": .amount(price), "quantity": .amount(quantity), "filledQuantity": .amount(filledQuantity),
            "averagePrice": .amount(averagePrice), "reduceOnly": .bool(reduceOnly), "time": .int(time),
        ]
        if let reason { object["reason"] = .string(reason) }
        return object
    }
}
