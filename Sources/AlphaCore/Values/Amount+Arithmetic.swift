import Foundation

/// Arithmetic, comparison and the canonical text, on the integer form when both sides have it and
/// the result fits (overflow is checked, never wrapped), else on `Decimal`. Either way exact.
extension Amount {
    /// 10^0 … 10^18, the powers of ten an `Int64` holds.
    @usableFromInline static let powersOfTen: [Int64] = (0...18).reduce(into: []) { powers, n in powers.append(n == 0 ? 1 : powers[n - 1] * 10) }

    /// `value × 10^shift` (shift ≥ 0), or nil when it does not fit.
    @inlinable @inline(__always)
    static func scaled(_ value: Int64, by shift: Int) -> Int64? {
        if value == 0 { return 0 }
        guard shift <= 18 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: powersOfTen[shift])
        return overflow ? nil : product
    }

    /// Both sides at the smaller exponent, or nil when one does not fit.
    @usableFromInline
    static func aligned(_ lhs: Amount, _ rhs: Amount) -> (Int64, Int64, Int)? {
        guard case .fixed(let a, let ea) = lhs.storage, case .fixed(let b, let eb) = rhs.storage else { return nil }
        if ea == eb { return (a, b, Int(ea)) }
        if ea < eb {
            guard let b = scaled(b, by: Int(eb) - Int(ea)) else { return nil }
            return (a, b, Int(ea))
        }
        guard let a = scaled(a, by: Int(ea) - Int(eb)) else { return nil }
        return (a, b, Int(eb))
    }

    // The operators inline only the commonest case (both sides at one exponent, as a price series
    // is); the rest is a call, so the inlined code stays small enough to be inlined.

    @inlinable public static func + (lhs: Amount, rhs: Amount) -> Amount {
        if case .fixed(let a, let ea) = lhs.storage, case .fixed(let b, let eb) = rhs.storage, ea == eb {
            let (sum, overflow) = a.addingReportingOverflow(b)
            if !overflow { return Amount(fixed: sum, Int(ea)) }
        }
        return sum(lhs, rhs)
    }

    @usableFromInline @inline(never)
    static func sum(_ lhs: Amount, _ rhs: Amount) -> Amount {
        if let (a, b, exponent) = aligned(lhs, rhs) {
            let (sum, overflow) = a.addingReportingOverflow(b)
            if !overflow { return Amount(fixed: sum, exponent) }
        }
        return Amount(lhs.decimal + rhs.decimal)
    }

    @inlinable public static func - (lhs: Amount, rhs: Amount) -> Amount {
        if case .fixed(let a, let ea) = lhs.storage, case .fixed(let b, let eb) = rhs.storage, ea == eb {
            let (difference, overflow) = a.subtractingReportingOverflow(b)
            if !overflow { return Amount(fixed: difference, Int(ea)) }
        }
        return difference(lhs, rhs)
    }

    @usableFromInline @inline(never)
    static func difference(_ lhs: Amount, _ rhs: Amount) -> Amount {
        if let (a, b, exponent) = aligned(lhs, rhs) {
            let (difference, overflow) = a.subtractingReportingOverflow(b)
            if !overflow { return Amount(fixed: difference, exponent) }
        }
        return Amount(lhs.decimal - rhs.decimal)
    }

    @inlinable public static func * (lhs: Amount, rhs: Amount) -> Amount {
        if case .fixed(let a, let ea) = lhs.storage, case .fixed(let b, let eb) = rhs.storage {
            let (product, overflow) = a.multipliedReportingOverflow(by: b)
            let exponent = Int(ea) + Int(eb)
            if !overflow, abs(exponent) <= maximumExponent { return Amount(fixed: product, exponent) }
        }
        return Amount(lhs.decimal * rhs.decimal)
    }

    @inlinable public static prefix func - (value: Amount) -> Amount {
        if case .fixed(let significand, let exponent) = value.storage, significand != .min { return Amount(fixed: -significand, Int(exponent)) }
        return Amount(-value.decimal)
    }

    @inlinable public static func += (lhs: inout Amount, rhs: Amount) { lhs = lhs + rhs }
    @inlinable public static func -= (lhs: inout Amount, rhs: Amount) { lhs = lhs - rhs }

    /// -1, 0 or 1 as `lhs` is below, at or above `rhs`; nil when the integer forms cannot say.
    @usableFromInline
    static func order(_ lhs: Amount, _ rhs: Amount) -> Int? {
        guard case .fixed(let a, let ea) = lhs.storage, case .fixed(let b, let eb) = rhs.storage else { return nil }
        if ea == eb { return a < b ? -1 : (a == b ? 0 : 1) }
        // Signs differ (or a side is zero): no need to align.
        if (a < 0) != (b < 0) || a == 0 || b == 0 { return a < b ? -1 : (a == b ? 0 : 1) }
        let shift = abs(Int(ea) - Int(eb))
        guard shift <= 18 else { return nil }
        // |significand| < 9.3e18, × 10^18 < 1.7e38: an Int128 holds it.
        let x = ea > eb ? Int128(a) * Int128(powersOfTen[shift]) : Int128(a)
        let y = eb > ea ? Int128(b) * Int128(powersOfTen[shift]) : Int128(b)
        return x < y ? -1 : (x == y ? 0 : 1)
    }

    @inlinable public static func < (lhs: Amount, rhs: Amount) -> Bool {
        if case .fixed(let a, let ea) = lhs.storage, case .fixed(let b, let eb) = rhs.storage, ea == eb { return a < b }
        return compare(lhs, rhs) < 0
    }

    @inlinable public static func == (lhs: Amount, rhs: Amount) -> Bool {
        if case .fixed(let a, let ea) = lhs.storage, case .fixed(let b, let eb) = rhs.storage, ea == eb { return a == b }
        return compare(lhs, rhs) == 0
    }

    /// -1, 0 or 1 as `lhs` is below, at or above `rhs`.
    @usableFromInline @inline(never)
    static func compare(_ lhs: Amount, _ rhs: Amount) -> Int {
        if let order = order(lhs, rhs) { return order }
        let (x, y) = (lhs.decimal, rhs.decimal)
        return x < y ? -1 : (x == y ? 0 : 1)
    }

    /// The nearest `Double`, the same one parsing `description` gives: for statistics (Sharpe and
    /// the like), never for money. Exact operands and one rounding when the integer form allows it
    /// (a significand below 2^53 and a power of ten up to 22), else through the text.
    public var doubleValue: Double {
        if case .fixed(let significand, let power) = storage, significand.magnitude < 1 << 53, abs(Int(power)) <= 22 {
            let scale = Self.doublePowersOfTen[abs(Int(power))]
            return power < 0 ? Double(significand) / scale : Double(significand) * scale
        }
        return Double(description) ?? .nan
    }

    /// 10^0 … 10^22: each exact in a `Double`.
    @usableFromInline static let doublePowersOfTen: [Double] = (0...22).map { pow(10, Double($0)) }

    /// The canonical plain string: no exponent, no trailing zeros after the point, "0" for zero.
    public var description: String {
        guard case .fixed = storage else { return decimal.description }
        // At most a sign, 20 digits, 38 zeros and a point.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<writeCanonical(into: buffer)!]), as: UTF8.self)
        }
    }

    /// The text of `description` written into `buffer` (64 bytes at least); returns the bytes
    /// written, or nil when the value is held as a `Decimal` (its `description` has it). A report
    /// writes one a candle, straight into its output.
    public func writeCanonical(into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        guard case .fixed(let significand, let power) = storage, buffer.count >= 64 else { return nil }
        if significand == 0 {
            buffer[0] = UInt8(ascii: "0")
            return 1
        }
        var magnitude = significand.magnitude
        var exponent = Int(power)
        while exponent < 0 && magnitude % 10 == 0 {
            magnitude /= 10
            exponent += 1
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { reversed in
            repeat {
                reversed[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
        }
        var length = 0
        func put(_ byte: UInt8) {
            buffer[length] = byte
            length += 1
        }
        if significand < 0 { put(UInt8(ascii: "-")) }
        withUnsafeBytes(of: &digits) { reversed in
            let places = -exponent
            if places <= 0 {
                for index in stride(from: count - 1, through: 0, by: -1) { put(reversed[index]) }
                for _ in 0..<exponent { put(UInt8(ascii: "0")) }
            } else if count <= places {
                put(UInt8(ascii: "0"))
                put(UInt8(ascii: "."))
                for _ in 0..<(places - count) { put(UInt8(ascii: "0")) }
                for index in stride(from: count - 1, through: 0, by: -1) { put(reversed[index]) }
            } else {
                for index in stride(from: count - 1, through: 0, by: -1) {
                    put(reversed[index])
                    if index == places { put(UInt8(ascii: ".")) }
                }
            }
        }
        return length
    }
}

extension Collection where Element == Amount {
    /// The exact sum. Amounts in the integer form at one exponent (a series of prices) add up as
    /// plain integers, several times faster than one `+` at a time; any other mix adds one by one.
    @inlinable public func sum() -> Amount {
        if let first, case .fixed(_, let exponent) = first.storage {
            var total: Int64 = 0
            var fits = true
            for value in self {
                guard case .fixed(let significand, let own) = value.storage, own == exponent else { fits = false; break }
                let (next, overflow) = total.addingReportingOverflow(significand)
                if overflow { fits = false; break }
                total = next
            }
            if fits { return Amount(fixed: total, Int(exponent)) }
        }
        return reduce(Amount.zero, +)
    }
}
