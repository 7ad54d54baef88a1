import Foundation

/// An exact decimal amount: a price, a quantity or a sum of money.
///
/// Backed by `Decimal` (38 significant digits), never floating point. It is written and read as
/// a plain decimal string ("0.001", "-12.5"): that is how Binance sends amounts and how they are
/// stored in SQLite and JSON. The string form is canonical, so `1.500` and `1.5` print alike and
/// dedup keys built from amounts collide when the exchange pads with zeros in one channel only.
public struct Amount: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public let decimal: Decimal

    public static let zero = Amount(Decimal.zero)

    public init(_ decimal: Decimal) { self.decimal = decimal }
    public init(integerLiteral value: Int) { self.decimal = Decimal(value) }
    public init(_ value: Int) { self.decimal = Decimal(value) }

    /// Parses a plain decimal string: optional sign, digits, optional fraction. Nothing else is
    /// accepted (no exponent, no spaces, no trailing text): `Decimal(string:)` alone reads "1abc" as 1.
    public init?(_ text: String) {
        guard let decimal = Amount.parse(text) else { return nil }
        self.decimal = decimal
    }

    /// A JSON number's own text, read exactly, exponent included ("0.02", "2e-2", "1E+1"). An
    /// exponent beyond ±40 is refused: no amount or fraction in this engine needs one.
    public init?(jsonNumber text: String) {
        guard let mark = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else {
            self.init(text)
            return
        }
        guard let mantissa = Amount(String(text[..<mark])), let exponent = Int(text[text.index(after: mark)...]),
              abs(exponent) <= 40 else { return nil }
        self.init(mantissa.decimal * Decimal(sign: .plus, exponent: exponent, significand: 1))
    }

    /// The canonical plain string: no exponent, no trailing zeros after the point, "0" for zero.
    public var description: String { decimal.description }

    public var isZero: Bool { decimal.isZero }
    public var isNegative: Bool { decimal < 0 }
    public var magnitude: Amount { isNegative ? -self : self }

    public static func < (lhs: Amount, rhs: Amount) -> Bool { lhs.decimal < rhs.decimal }
    public static func + (lhs: Amount, rhs: Amount) -> Amount { Amount(lhs.decimal + rhs.decimal) }
    public static func - (lhs: Amount, rhs: Amount) -> Amount { Amount(lhs.decimal - rhs.decimal) }
    public static func * (lhs: Amount, rhs: Amount) -> Amount { Amount(lhs.decimal * rhs.decimal) }
    public static prefix func - (value: Amount) -> Amount { Amount(-value.decimal) }
    public static func += (lhs: inout Amount, rhs: Amount) { lhs = lhs + rhs }
    public static func -= (lhs: inout Amount, rhs: Amount) { lhs = lhs - rhs }

    /// `Decimal` is a value type but its hash must agree with `==` across representations
    /// (1.5 and 1.50); hashing the canonical string guarantees that.
    public func hash(into hasher: inout Hasher) { hasher.combine(description) }
    public static func == (lhs: Amount, rhs: Amount) -> Bool { lhs.decimal == rhs.decimal }

    private static func parse(_ text: String) -> Decimal? {
        var utf8 = text.utf8[...]
        var negative = false
        if let first = utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            utf8 = utf8.dropFirst()
        }
        var significand: UInt64 = 0
        var digits = 0, fractionDigits = 0, significantDigits = 0
        var seenPoint = false, leadingZero = true
        for byte in utf8 {
            if byte == UInt8(ascii: ".") {
                guard !seenPoint, digits > 0 else { return nil }
                seenPoint = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            digits += 1
            if seenPoint { fractionDigits += 1 }
            if leadingZero && byte == UInt8(ascii: "0") { continue }
            leadingZero = false
            significantDigits += 1
            if significantDigits <= 18 { significand = significand * 10 + UInt64(byte - UInt8(ascii: "0")) }
        }
        guard digits > 0, !(seenPoint && fractionDigits == 0) else { return nil }
        // Fast exact path for up to 18 significant digits; longer ones take Foundation's parser,
        // which is exact up to 38 digits.
        guard significantDigits <= 18 else { return Decimal(string: text) }
        return Decimal(sign: negative ? .minus : .plus, exponent: -fractionDigits, significand: Decimal(significand))
    }
}
