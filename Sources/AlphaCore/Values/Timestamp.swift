import Foundation

/// A UTC instant with millisecond precision, the resolution Binance uses.
///
/// Stored and sent as ISO-8601 with `Z` ("2026-11-21T21:35:21.123Z"); exchange times stay as epoch
/// milliseconds. Formatting is hand-written: `DateFormatter` and `ISO8601DateFormatter` are slow on
/// Linux and this sits on the append path.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    public init(_ date: Date) {
        self.millisecondsSinceEpoch = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// The current time from the system clock.
    public static func now() -> Timestamp { Timestamp(Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(millisecondsSinceEpoch) / 1000) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    public func adding(milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSinceEpoch: millisecondsSinceEpoch + milliseconds)
    }

    /// The UTC calendar day, "2026-11-21": the bucket for daily PnL and loss limits.
    public var utcDay: String {
        let (year, month, day) = civil
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// ISO-8601 in UTC with milliseconds and `Z`.
    public var iso8601: String {
        let (year, month, day) = civil
        let msOfDay = millisecondsSinceEpoch - floorDiv(millisecondsSinceEpoch, 86_400_000) * 86_400_000
        let seconds = msOfDay / 1000
        guard (0...9999).contains(year) else {
            return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T"
                + pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2)
                + "." + pad(msOfDay % 1000, 3) + "Z"
        }
        // Written into 24 bytes: reports write one per candle, and string concatenation costs ten times more.
        return String(unsafeUninitializedCapacity: 24) { buffer in writeISO8601(into: buffer) }
    }

    /// The same text as `iso8601` written into `buffer` (24 bytes at least), for a year from 0 to
    /// 9999; returns the bytes written, 0 for a year outside (`iso8601` has those). A report writes
    /// one a candle, straight into its output.
    public func writeISO8601(into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        let (year, month, day) = civil
        guard (0...9999).contains(year), buffer.count >= 24 else { return 0 }
        let msOfDay = millisecondsSinceEpoch - floorDiv(millisecondsSinceEpoch, 86_400_000) * 86_400_000
        let seconds = msOfDay / 1000
        func put(_ value: Int64, _ width: Int, at offset: Int) {
            var value = value
            for index in stride(from: offset + width - 1, through: offset, by: -1) {
                buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(year, 4, at: 0)
        buffer[4] = UInt8(ascii: "-")
        put(month, 2, at: 5)
        buffer[7] = UInt8(ascii: "-")
        put(day, 2, at: 8)
        buffer[10] = UInt8(ascii: "T")
        put(seconds / 3600, 2, at: 11)
        buffer[13] = UInt8(ascii: ":")
        put(seconds / 60 % 60, 2, at: 14)
        buffer[16] = UInt8(ascii: ":")
        put(seconds % 60, 2, at: 17)
        buffer[19] = UInt8(ascii: ".")
        put(msOfDay % 1000, 3, at: 20)
        buffer[23] = UInt8(ascii: "Z")
        return 24
    }

    public var description: String { iso8601 }

    /// Parses the form `iso8601` writes ("YYYY-MM-DDTHH:MM:SS.mmmZ", fraction optional).
    public init?(iso8601 text: String) {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= bytes.count else { return nil }
            var value: Int64 = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84, bytes[13] == 58,
              bytes[16] == 58, bytes.last == 90,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var millis: Int64 = 0
        if bytes.count == 24 {
            guard bytes[19] == 46, let fraction = number(20..<23) else { return nil }
            millis = fraction
        } else if bytes.count != 20 {
            return nil
        }
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        self.millisecondsSinceEpoch = ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis
    }

    private var civil: (Int64, Int64, Int64) {
        Timestamp.civilFromDays(floorDiv(millisecondsSinceEpoch, 86_400_000))
    }

    // Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian calendar).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : (a - b + 1) / b }

private func pad(_ value: Int64, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
