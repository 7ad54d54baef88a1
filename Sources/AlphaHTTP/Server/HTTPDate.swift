import Glibc

/// The `Date` header value (RFC 9110 §5.6.7, IMF-fixdate), rebuilt at most once a second per
/// event loop rather than formatted per response.
struct HTTPDateCache {
    private var second: Int = -1
    private(set) var bytes: [UInt8] = []

    mutating func current() -> [UInt8] {
        var now = time(nil)
        if now != second {
            second = now
            bytes = Array(Self.format(&now).utf8)
        }
        return bytes
    }

    static func format(_ clock: inout time_t) -> String {
        var parts = tm()
        gmtime_r(&clock, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
