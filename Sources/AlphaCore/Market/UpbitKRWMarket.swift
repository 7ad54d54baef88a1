import Foundation

/// Upbit's KRW market rules (reference: the Upbit notes; the price-unit policy of 2025-07-31):
/// the price unit by price band, the smallest and largest order value, the fee. A price off its
/// unit is refused by Upbit (`invalid_price_bid`/`invalid_price_ask`), so orders are priced to it.
public enum UpbitKRWMarket {
    /// The smallest order value (price × volume, or a market buy's KRW), bid or ask.
    public static let minimumOrderValue = Amount(5_000)
    public static let maximumOrderValue = Amount(1_000_000_000)
    /// Taker and maker alike, on KRW markets.
    public static let feeRate = Amount("0.0005")!

    /// (lowest price of the band, its unit), highest band first.
    static let priceUnits: [(from: Amount, unit: Amount)] = [
        (Amount(1_000_000), Amount(1_000)), (Amount(500_000), Amount(500)), (Amount(100_000), Amount(100)),
        (Amount(50_000), Amount(50)), (Amount(10_000), Amount(10)), (Amount(5_000), Amount(5)), (Amount(100), Amount(1)),
        (Amount(10), Amount("0.1")!), (Amount(1), Amount("0.01")!), (Amount("0.1")!, Amount("0.001")!),
        (Amount("0.01")!, Amount("0.0001")!), (Amount("0.001")!, Amount("0.00001")!), (Amount("0.0001")!, Amount("0.000001")!),
        (.zero, Amount("0.0000001")!),
    ]

    /// The price unit at `price` (a positive price).
    public static func priceUnit(at price: Amount) -> Amount {
        priceUnits.first { price >= $0.from }?.unit ?? priceUnits[priceUnits.count - 1].unit
    }

    /// Whether `price` is a whole number of its band's units.
    public static func isOnUnit(_ price: Amount) -> Bool {
        price > .zero && price.rounded(toMultipleOf: priceUnit(at: price), mode: .down) == price
    }

    /// `price` moved to its band's unit, down or up (a buy's stop goes up, a limit buy down…).
    /// Rounding up can cross into the next band, whose unit is coarser: then it is rounded again there.
    public static func price(_ price: Amount, down: Bool) -> Amount {
        let rounded = price.rounded(toMultipleOf: priceUnit(at: price), mode: down ? .down : .up)
        return isOnUnit(rounded) ? rounded : rounded.rounded(toMultipleOf: priceUnit(at: rounded), mode: down ? .down : .up)
    }
}
