/// The mark price of a symbol as the exchange last pushed it: what unrealized PnL and
/// liquidation are measured at.
public struct MarkPrice: Sendable, Equatable {
    public var symbol: String
    public var price: Amount
    public var fundingRate: Amount?
    public var nextFundingTime: Int64?
    /// The exchange's time of the update, in milliseconds.
    public var time: Int64

    public init(symbol: String, price: Amount, fundingRate: Amount? = nil, nextFundingTime: Int64? = nil, time: Int64) {
        self.symbol = symbol
        self.price = price
        self.fundingRate = fundingRate
        self.nextFundingTime = nextFundingTime
        self.time = time
    }
}
