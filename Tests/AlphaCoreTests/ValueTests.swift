import Foundation
import Testing
@testable import AlphaCore

@Suite struct AmountTests {
    @Test func parsesPlainDecimalsExactly() throws {
        #expect(Amount("0.1")! + Amount("0.2")! == Amount("0.3")!)
        #expect(Amount("1.500")!.description == "1.5")
        #expect(Amount("-0.00000001")!.description == "-0.00000001")
        #expect(Amount("+7")!.description == "7")
        #expect(Amount("000123.4500")!.description == "123.45")
        #expect(Amount("0")!.description == "0")
        #expect(Amount("-0.000")!.isZero)
        // 30 significant digits go through Foundation's parser and stay exact.
        #expect(Amount("123456789012345678901234567.891")!.description == "123456789012345678901234567.891")
    }

    @Test func rejectsAnythingButAPlainDecimal() {
        for bad in ["", "-", ".", "1.", ".5", "1e5", "1abc", " 1", "1 ", "1,5", "0x10", "NaN", "inf", "--1", "1.2.3"] {
            #expect(Amount(bad) == nil, "\(bad) should be rejected")
        }
    }

    @Test func equalValuesHashAlike() {
        #expect(Amount("1.50")! == Amount("1.5")!)
        #expect(Set([Amount("1.50")!, Amount("1.5")!, Amount("1.500000")!]).count == 1)
    }

    @Test func arithmeticIsDecimal() {
        let price = Amount("0.1")!
        var total = Amount.zero
        for _ in 0..<10 { total += price }
        #expect(total == 1)
        #expect((Amount("100")! * Amount("0.0005")!).description == "0.05")
        #expect(Amount("-3")!.magnitude == 3)
        #expect(Amount("2") ?? 0 > Amount("1.99999999")!)
    }
}

@Suite struct TimestampTests {
    @Test func formatsUTCWithMilliseconds() {
        #expect(Timestamp(millisecondsSinceEpoch: 0).iso8601 == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(millisecondsSinceEpoch: 1_795_297_521_123).iso8601 == "2026-11-21T21:45:21.123Z")
        #expect(Timestamp(millisecondsSinceEpoch: 951_782_400_000).utcDay == "2000-02-29")
        #expect(Timestamp(millisecondsSinceEpoch: -1).iso8601 == "1969-12-31T23:59:59.999Z")
    }

    @Test func roundTripsAndAgreesWithFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for _ in 0..<500 {
            let ms = Int64.random(in: 0...4_102_444_800_000, using: &generator)
            let stamp = Timestamp(millisecondsSinceEpoch: ms)
            #expect(Timestamp(iso8601: stamp.iso8601) == stamp)
            #expect(formatter.string(from: stamp.date) == stamp.iso8601)
        }
    }

    @Test func rejectsMalformedText() {
        for bad in ["", "2026-11-21", "2026-11-21T21:45:21.123", "2026-13-01T00:00:00Z", "2026-11-21 21:45:21Z",
                    "2026-11-21T25:00:00Z", "2026-11-21T21:45:21.12Z"] {
            #expect(Timestamp(iso8601: bad) == nil, "\(bad)")
        }
        #expect(Timestamp(iso8601: "2026-11-21T21:45:21Z")?.millisecondsSinceEpoch == 1_795_297_521_000)
    }
}
