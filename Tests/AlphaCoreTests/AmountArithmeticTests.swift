import AlphaTestSupport
import Foundation
import Testing
@testable import AlphaCore

/// The integer form of `Amount` against Foundation's `Decimal` as the reference: every operation on
/// random amounts — small and large, negative, with many places, and past 64 bits where `Decimal`
/// takes over — gives the same value and the same text.
@Suite("Amount: the integer form agrees with Decimal on every operation")
struct AmountArithmeticTests {
    static let modes: [NSDecimalNumber.RoundingMode] = [.plain, .down, .up, .bankers]

    /// A decimal text: up to 20 significant digits (past 18, the `Decimal` form), 0 to 12 places.
    static func text(_ random: inout SeededGenerator) -> String {
        let lengths = [1, 2, 3, 5, 8, 12, 16, 18, 19, 20]
        let length = lengths[Int(random.next() % UInt64(lengths.count))]
        var digits = String((0..<length).map { _ in Character(String(random.next() % 10)) })
        if random.next() % 7 == 0 { digits = "0" }
        let places = Int(random.next() % 13)
        if places > 0 {
            if digits.count <= places { digits = String(repeating: "0", count: places - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -places))
        }
        return (random.next() % 3 == 0 ? "-" : "") + digits
    }

    static func reference(_ text: String) -> Decimal { Decimal(string: text)! }

    static func rounded(_ value: Decimal, _ scale: Int, _ mode: NSDecimalNumber.RoundingMode) -> Decimal {
        var value = value, result = Decimal()
        NSDecimalRound(&result, &value, scale, mode)
        return result
    }

    @Test("sum, difference, product, negation, order, equality, text and rounding: 20 000 random pairs")
    func againstDecimal() throws {
        var random = SeededGenerator(seed: 20261207)
        for _ in 0..<20_000 {
            let (x, y) = (Self.text(&random), Self.text(&random))
            let a = try #require(Amount(x)), b = try #require(Amount(y))
            let (da, db) = (Self.reference(x), Self.reference(y))
            #expect(a.description == da.description, "\(x)")
            #expect((a + b).description == (da + db).description, "\(x) + \(y)")
            #expect((a - b).description == (da - db).description, "\(x) - \(y)")
            #expect((a * b).description == (da * db).description, "\(x) × \(y)")
            #expect((-a).description == (-da).description && a.magnitude.description == abs(da).description, "\(x)")
            #expect((a < b) == (da < db) && (a == b) == (da == db) && a.isNegative == (da < 0) && a.isZero == da.isZero, "\(x) ? \(y)")
            #expect(a == Amount(da) && a.hashValue == Amount(da).hashValue, "the integer form and the Decimal form of \(x) are one value")
            let scale = Int(random.next() % 14) - 2
            for mode in Self.modes {
                #expect(a.rounded(scale: scale, mode: mode).description == Self.rounded(da, scale, mode).description, "\(x) to \(scale) \(mode)")
            }
        }
    }

    @Test("division to a scale, and the nearest multiple of a step, in each rounding mode: 20 000 random pairs")
    func divisionAgainstDecimal() throws {
        var random = SeededGenerator(seed: 7)
        for _ in 0..<20_000 {
            let (x, y) = (Self.text(&random), Self.text(&random))
            let a = try #require(Amount(x)), b = try #require(Amount(y))
            guard !b.isZero else { continue }
            let (da, db) = (Self.reference(x), Self.reference(y))
            let scale = Int(random.next() % 13)
            for mode in Self.modes {
                // Decimal divides to 38 digits, then rounds; the integer form rounds the exact quotient
                // once. They differ only where 38 digits end exactly on a half, which these never do.
                #expect(a.divided(by: b, scale: scale, mode: mode).description == Self.rounded(da / db, scale, mode).description,
                        "\(x) / \(y) to \(scale) \(mode)")
                let whole = Self.rounded(da / db, 0, mode)
                #expect(a.rounded(toMultipleOf: b, mode: mode).description == (whole * db).description, "\(x) to a multiple of \(y), \(mode)")
            }
        }
    }

    @Test("a collection's sum equals adding one at a time, whatever the mix: one exponent, several, overflow, Decimal; 2 000 random lists")
    func collectionSum() throws {
        var random = SeededGenerator(seed: 11)
        for round in 0..<2_000 {
            // Every fourth list is a price series (one exponent), the fast path; the rest are mixed.
            let count = Int(random.next() % 60)
            let values = try (0..<count).map { _ in
                round % 4 == 0 ? Amount(fixed: Int64(random.next() % 1_000_000_000_000), -2) : try #require(Amount(Self.text(&random)))
            }
            #expect(values.sum() == values.reduce(Amount.zero, +), "\(values)")
            #expect(values[...].lazy.map { $0 }.sum() == values.reduce(Amount.zero, +))
        }
        // Significands that overflow 64 bits together fall back to adding one at a time, exactly.
        let large = [Amount(fixed: .max - 1, 0), Amount(fixed: .max - 1, 0), Amount(fixed: 5, 0)]
        #expect(large.sum().description == (Decimal(Int64.max - 1) * 2 + 5).description)
        #expect([Amount]().sum() == .zero)
    }

    @Test("doubleValue is the Double that parsing the text gives: 20 000 random amounts, the integer form and the Decimal form")
    func nearestDouble() throws {
        var random = SeededGenerator(seed: 3)
        for _ in 0..<20_000 {
            let text = Self.text(&random)
            let value = try #require(Amount(text))
            #expect(value.doubleValue == Double(text)!, "\(text)")
            #expect(Amount(Self.reference(text)).doubleValue == Double(text)!, "\(text) as a Decimal")
        }
    }

    @Test("past 64 bits the Decimal form takes over, exactly: sums and products that overflow, and back")
    func overflow() throws {
        let big = try #require(Amount("9223372036854775807")), one = Amount(1)
        #expect((big + one).description == "9223372036854775808" && (big + one - one) == big)
        #expect((big * big).description == "85070591730234615847396907784232501249")
        #expect((-big - big).description == "-18446744073709551614")
        #expect(Amount("0.000000000000000000000000000000000000001")?.description == "0.000000000000000000000000000000000000001")
        #expect(Amount(jsonNumber: "2e-2") == Amount("0.02")! && Amount(jsonNumber: "1E+3")?.description == "1000")
        #expect(Amount(ascii: Array("50003.1".utf8)[...]) == Amount("50003.1")! && Amount(ascii: Array("5x".utf8)[...]) == nil)
    }
}
