import AlphaCore
import Foundation

/// One perpetual contract and its filters, as `exchangeInfo` describes it (reference §3.1).
public struct SimSymbol: Sendable, Equatable {
    public let name: String
    public let baseAsset: String
    public let quoteAsset: String
    public let tickSize: Amount
    public let stepSize: Amount
    public let minQuantity: Amount
    public let maxQuantity: Amount
    public let minNotional: Amount
    public let pricePrecision: Int
    public let quantityPrecision: Int

    public static let btcusdt = SimSymbol(name: "BTCUSDT", baseAsset: "BTC", quoteAsset: "USDT", tickSize: Amount("0.10")!,
                                          stepSize: Amount("0.001")!, minQuantity: Amount("0.001")!, maxQuantity: Amount("1000")!,
                                          minNotional: Amount("100")!, pricePrecision: 2, quantityPrecision: 3)
    public static let ethusdt = SimSymbol(name: "ETHUSDT", baseAsset: "ETH", quoteAsset: "USDT", tickSize: Amount("0.01")!,
                                          stepSize: Amount("0.001")!, minQuantity: Amount("0.001")!, maxQuantity: Amount("10000")!,
                                          minNotional: Amount("20")!, pricePrecision: 2, quantityPrecision: 3)

    /// Checks a quantity against LOT_SIZE (reference §7: -4003, -4004, -4005, -4023).
    func validate(quantity: Amount) throws(BinanceError) {
        guard !quantity.isNegative, !quantity.isZero else { throw BinanceError(code: -4003, "Quantity less than or equal to zero.") }
        guard quantity >= minQuantity else { throw BinanceError(code: -4004, "Quantity less than min quantity.") }
        guard quantity <= maxQuantity else { throw BinanceError(code: -4005, "Quantity greater than max quantity.") }
        guard Self.isMultiple(quantity, of: stepSize) else { throw BinanceError(code: -1111, "Precision is over the maximum defined for this asset.") }
    }

    /// Checks a price against PRICE_FILTER (-4001, -4014 / -1111).
    func validate(price: Amount) throws(BinanceError) {
        guard !price.isNegative, !price.isZero else { throw BinanceError(code: -4001, "Price less than 0.") }
        guard Self.isMultiple(price, of: tickSize) else { throw BinanceError(code: -4014, "Price not increased by tick size.") }
    }

    static func isMultiple(_ value: Amount, of step: Amount) -> Bool {
        value.rounded(toMultipleOf: step, mode: .down) == value
    }
}

extension SimSymbol {
    /// A contract from the filters an exchange reported (a backtest of a symbol the simulator does
    /// not list): the quote asset is the symbol's USDT or USDC ending, precisions those of the steps.
    public init(rules: SymbolRules) {
        name = rules.symbol
        quoteAsset = ["USDT", "USDC"].first { rules.symbol.hasSuffix($0) } ?? "USDT"
        baseAsset = String(rules.symbol.dropLast(quoteAsset.count))
        tickSize = rules.tickSize
        stepSize = rules.stepSize
        minQuantity = rules.minQuantity
        maxQuantity = rules.maxQuantity ?? Amount(1_000_000_000)
        minNotional = rules.minNotional ?? .zero
        func places(_ step: Amount) -> Int { max(0, -step.decimal.exponent) }
        pricePrecision = places(rules.tickSize)
        quantityPrecision = places(rules.stepSize)
    }
}
