/// A candle interval with a fixed length, by Binance's name ("1m", "5m", "1h", "1d"): what a
/// strategy asks for and what the market-data store keeps apart. The month ("1M") is left out on
/// purpose: it has no fixed length, and no strategy here trades monthly candles.
public struct Timeframe: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let name: String
    public let milliseconds: Int64

    private static let minutes: [(String, Int64)] = [
        ("1m", 1), ("3m", 3), ("5m", 5), ("15m", 15), ("30m", 30), ("1h", 60), ("2h", 120), ("4h", 240),
        ("6h", 360), ("8h", 480), ("12h", 720), ("1d", 1440), ("3d", 4320), ("1w", 10080),
    ]
    /// Every timeframe, shortest first.
    public static let all: [Timeframe] = minutes.map { Timeframe(name: $0.0, milliseconds: $0.1 * 60_000) }

    private init(name: String, milliseconds: Int64) {
        self.name = name
        self.milliseconds = milliseconds
    }

    /// The timeframe Binance calls `name`, or nil.
    public init?(_ name: String) {
        guard let found = Self.all.first(where: { $0.name == name }) else { return nil }
        self = found
    }

    public static let oneMinute = Timeframe("1m")!

    /// The length alone names a timeframe (every one has its own): hashing it skips the name's text,
    /// which a backtest's window lookups would otherwise hash once a candle.
    public func hash(into hasher: inout Hasher) { hasher.combine(milliseconds) }
    public static func == (lhs: Timeframe, rhs: Timeframe) -> Bool { lhs.milliseconds == rhs.milliseconds }

    /// The open time of the candle that holds `time` (Binance aligns every interval to the epoch
    /// in UTC; the week starts on Monday, which the epoch's Thursday needs a shift for).
    public func openTime(containing time: Int64) -> Int64 {
        let shift: Int64 = name == "1w" ? 3 * 86_400_000 : 0
        let shifted = time + shift
        let floor = shifted >= 0 ? shifted / milliseconds : (shifted - milliseconds + 1) / milliseconds
        return floor * milliseconds - shift
    }

    public var description: String { name }
    public static func < (lhs: Timeframe, rhs: Timeframe) -> Bool { lhs.milliseconds < rhs.milliseconds }
}
