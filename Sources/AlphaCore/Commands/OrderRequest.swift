/// An order as a PlaceOrder command describes it, in AlphaEngine's terms; the exchange adapter
/// turns it into its own dialect. Amounts stay exact decimal text end to end.
public struct OrderRequest: Sendable, Equatable {
    public var symbol: String
    public var side: OrderSide
    public var type: OrderType
    public var quantity: Amount?
    public var price: Amount?
    /// The trigger of a stop or take-profit order.
    public var stopPrice: Amount?
    public var timeInForce: String?
    public var reduceOnly: Bool

    public init(symbol: String, side: OrderSide, type: OrderType, quantity: Amount? = nil, price: Amount? = nil,
                stopPrice: Amount? = nil, timeInForce: String? = nil, reduceOnly: Bool = false) {
        self.symbol = symbol
        self.side = side
        self.type = type
        self.quantity = quantity
        self.price = price
        self.stopPrice = stopPrice
        self.timeInForce = timeInForce
        self.reduceOnly = reduceOnly
    }
}
