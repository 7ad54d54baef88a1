import Foundation

/// What the exchange accepts for one symbol's orders: prices on the tick, quantities on the step.
/// The strategy runner rounds what a strategy asks for to these before an order is made, so a
/// stop at 2 % below 50 123.4 is sent as a price the exchange takes.
public struct SymbolRules: Sendable, Equatable {
    public var symbol: String
    public var tickSize: Amount
    public var stepSize: Amount
    public var minQuantity: Amount
    /// LOT_SIZE's largest quantity, when the exchange says.
    public var maxQuantity: Amount?
    /// MIN_NOTIONAL: the smallest price × quantity of an order, when the exchange says.
    public var minNotional: Amount?

    public init(symbol: String, tickSize: Amount, stepSize: Amount, minQuantity: Amount, maxQuantity: Amount? = nil,
                minNotional: Amount? = nil) {
        self.symbol = symbol
        self.tickSize = tickSize
        self.stepSize = stepSize
        self.minQuantity = minQuantity
        self.maxQuantity = maxQuantity
        self.minNotional = minNotional
    }

    /// A quantity on the step, rounded towards zero (never more than was asked for).
    public func quantity(_ value: Amount) -> Amount { value.rounded(toMultipleOf: stepSize, mode: .down) }

    /// A price on the tick, rounded `down` or up: a long's stop goes down, a short's up, so the
    /// stop is never tighter than the strategy said.
    public func price(_ value: Amount, down: Bool) -> Amount { value.rounded(toMultipleOf: tickSize, mode: down ? .down : .up) }
}
