import Foundation

extension Amount {
    /// Rounded to `scale` decimal places (half up by default, as Binance prints prices).
    public func rounded(scale: Int, mode: NSDecimalNumber.RoundingMode = .plain) -> Amount {
        var value = decimal
        var result = Decimal()
        NSDecimalRound(&result, &value, scale, mode)
        return Amount(result)
    }

    /// `self / divisor` to `scale` places. Division is the one operation that is not exact, so
    /// every caller says how many places it keeps.
    public func divided(by divisor: Amount, scale: Int, mode: NSDecimalNumber.RoundingMode = .plain) -> Amount {
        Amount(decimal / divisor.decimal).rounded(scale: scale, mode: mode)
    }

    /// The nearest multiple of `step` in the direction `mode` says (`.down` for an order quantity
    /// that must not exceed what was asked, `.plain` for a price snapped to the tick).
    public func rounded(toMultipleOf step: Amount, mode: NSDecimalNumber.RoundingMode = .down) -> Amount {
        guard !step.isZero else { return self }
        var quotient = decimal / step.decimal
        var whole = Decimal()
        NSDecimalRound(&whole, &quotient, 0, mode)
        return Amount(whole * step.decimal)
    }

    /// The text with exactly `scale` decimals ("43250.10"), as Binance formats prices and quantities.
    public func formatted(scale: Int) -> String {
        let rounded = rounded(scale: scale).description
        guard scale > 0 else { return rounded }
        let parts = rounded.split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return "\(parts[0]).\(fraction)\(String(repeating: "0", count: max(0, scale - fraction.count)))"
    }
}
