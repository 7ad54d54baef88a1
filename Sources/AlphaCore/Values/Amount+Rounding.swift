import Foundation

extension Amount {
    /// Rounded to `scale` decimal places (half up by default, as Binance prints prices).
    public func rounded(scale: Int, mode: NSDecimalNumber.RoundingMode = .plain) -> Amount {
        if case .fixed(let significand, let exponent) = storage {
            let dropped = -scale - Int(exponent)
            if dropped <= 0 { return self }  // no more places than asked
            if dropped <= 18 {
                let divisor = Self.powersOfTen[dropped]
                let (quotient, remainder) = significand.quotientAndRemainder(dividingBy: divisor)
                let rounded = Self.round(Int128(quotient), Int128(remainder), Int128(divisor), mode)
                if let value = Int64(exactly: rounded) { return Amount.make(value, -scale) }
            }
        }
        var value = decimal
        var result = Decimal()
        NSDecimalRound(&result, &value, scale, mode)
        return Amount(result)
    }

    /// `self / divisor` to `scale` places. Division is the one operation that is not exact, so
    /// every caller says how many places it keeps.
    public func divided(by divisor: Amount, scale: Int, mode: NSDecimalNumber.RoundingMode = .plain) -> Amount {
        if let quotient = fixedQuotient(divisor, scale: scale, mode: mode) { return quotient }
        return Amount(decimal / divisor.decimal).rounded(scale: scale, mode: mode)
    }

    /// The quotient on the integer forms, rounded once from the exact value, or nil when they do
    /// not hold it (then `Decimal` divides to 38 digits and rounds that).
    private func fixedQuotient(_ divisor: Amount, scale: Int, mode: NSDecimalNumber.RoundingMode) -> Amount? {
        guard case .fixed(let a, let ea) = storage, case .fixed(let b, let eb) = divisor.storage, b != 0 else { return nil }
        // a·10^ea / (b·10^eb) × 10^scale = a·10^shift / b
        let shift = Int(ea) - Int(eb) + scale
        var numerator = Int128(a), denominator = Int128(b)
        if shift >= 0 {
            guard shift <= 18 else { return nil }
            numerator *= Int128(Self.powersOfTen[shift])  // < 9.3e18 × 1e18: fits
        } else {
            guard -shift <= 18 else { return nil }
            denominator *= Int128(Self.powersOfTen[-shift])
        }
        if denominator < 0 { (numerator, denominator) = (-numerator, -denominator) }
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        guard let value = Int64(exactly: Self.round(quotient, remainder, denominator, mode)), abs(scale) <= Self.maximumExponent else { return nil }
        return Amount(fixed: value, -scale)
    }

    /// A quotient truncated toward zero, moved by its remainder (the dividend's sign; the divisor
    /// positive) as `mode` says: `.plain` half away from zero, `.down` toward −∞, `.up` toward +∞,
    /// `.bankers` half to even — what `NSDecimalRound` does.
    static func round(_ quotient: Int128, _ remainder: Int128, _ divisor: Int128, _ mode: NSDecimalNumber.RoundingMode) -> Int128 {
        guard remainder != 0 else { return quotient }
        let away: Int128 = remainder < 0 ? -1 : 1
        let twice = remainder.magnitude * 2, whole = divisor.magnitude
        switch mode {
        case .plain: return twice >= whole ? quotient + away : quotient
        case .down: return remainder < 0 ? quotient - 1 : quotient
        case .up: return remainder > 0 ? quotient + 1 : quotient
        case .bankers:
            if twice > whole { return quotient + away }
            if twice < whole { return quotient }
            return quotient % 2 == 0 ? quotient : quotient + away
        @unknown default: return twice >= whole ? quotient + away : quotient
        }
    }

    /// The nearest multiple of `step` in the direction `mode` says (`.down` for an order quantity
    /// that must not exceed what was asked, `.plain` for a price snapped to the tick).
    public func rounded(toMultipleOf step: Amount, mode: NSDecimalNumber.RoundingMode = .down) -> Amount {
        guard !step.isZero else { return self }
        if let whole = fixedQuotient(step, scale: 0, mode: mode) { return whole * step }
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
