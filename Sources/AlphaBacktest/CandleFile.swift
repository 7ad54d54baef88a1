import AlphaCore
import Glibc

/// Candles from a CSV file (issue 16): the header `time,open,high,low,close,volume`, time as
/// ISO-8601 UTC (`2026-01-02T00:00:00Z`) or epoch milliseconds. Real data has holes — a weekend,
/// an exchange outage — so gaps are normal: they are counted and the longest named, never filled
/// in. What cannot be right is refused with its line number: a bad number, a candle whose high
/// and low do not hold its open and close, a time that repeats or goes back.
public struct CandleFile: Sendable, Equatable {
    public struct Gap: Sendable, Equatable {
        /// The open time of the last candle before the gap, and of the first after it.
        public var after: Int64
        public var resumes: Int64
        public var missingCandles: Int64
    }

    public var candles: [Candle]
    public var timeframe: Timeframe
    public var gaps: Int
    public var longestGap: Gap?

    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    public static let header = ["time", "open", "high", "low", "close", "volume"]

    /// Reads `text` as candles of `timeframe` (each row one candle, opening at its `time`).
    public static func parse(_ text: String, timeframe: Timeframe) throws(Invalid) -> CandleFile {
        try Array(text.utf8).withUnsafeBufferPointer { (all) throws(Invalid) -> CandleFile in try parse(all, timeframe: timeframe) }
    }

    /// Reads a file's bytes as candles of `timeframe`, in one pass over them: a year of minutes is
    /// half a million rows, so no row, line or field is copied out before it is read.
    public static func parse(_ all: UnsafeBufferPointer<UInt8>, timeframe: Timeframe) throws(Invalid) -> CandleFile {
        // Lines end in "\n" or "\r\n"; blank lines at the end are allowed, nowhere else.
        var lines = LineReader(all)
        guard let first = lines.next(), !(trimmed(first).isEmpty && lines.restIsBlank) else {
            throw Invalid(line: 1, reason: "the file is empty; the header is \(header.joined(separator: ","))")
        }
        let names = first.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { String(decoding: trimmed(UnsafeBufferPointer(rebasing: $0)), as: UTF8.self).lowercased() }
        guard names == header else {
            throw Invalid(line: 1, reason: "the header must be \(header.joined(separator: ",")) (found \(String(decoding: first.prefix(80), as: UTF8.self)))")
        }
        var candles: [Candle] = []
        // A row is at least 30 bytes ("1767225600000,1,1,1,1,1" and its line end, roughly).
        candles.reserveCapacity(all.count / 30)
        var fields = [UnsafeBufferPointer<UInt8>](repeating: UnsafeBufferPointer(start: nil, count: 0), count: header.count)
        var values = [Amount](repeating: .zero, count: header.count - 1)
        var number = 1
        while let line = lines.next() {
            number += 1
            guard !trimmed(line).isEmpty else {
                if lines.restIsBlank { break }
                throw Invalid(line: number, reason: "the line is empty")
            }
            // The fields, trimmed; past the sixth only counted, for the error.
            var count = 0, start = 0
            for index in 0...line.count where index == line.count || line[index] == UInt8(ascii: ",") {
                if count < fields.count { fields[count] = trimmed(UnsafeBufferPointer(rebasing: line[start..<index])) }
                count += 1
                start = index + 1
            }
            guard count == header.count else {
                throw Invalid(line: number, reason: "\(count) fields; a row has \(header.count): \(header.joined(separator: ","))")
            }
            func quoted(_ field: UnsafeBufferPointer<UInt8>) -> String { String(decoding: field.prefix(40), as: UTF8.self) }
            guard let time = Self.time(fields[0]) else {
                throw Invalid(line: number, reason: "time '\(quoted(fields[0]))' is neither ISO-8601 UTC (2026-01-02T00:00:00Z) nor epoch milliseconds")
            }
            for index in 1..<header.count {
                guard let value = Amount(ascii: fields[index]), !value.isNegative, index == 5 || !value.isZero else {
                    throw Invalid(line: number, reason: "\(header[index]) '\(quoted(fields[index]))' is not a \(index == 5 ? "decimal ≥ 0" : "positive decimal")")
                }
                values[index - 1] = value
            }
            let candle = Candle(openTime: time, closeTime: time + timeframe.milliseconds - 1, open: values[0], high: values[1], low: values[2],
                                close: values[3], volume: values[4])
            guard candle.isWellFormed else {
                throw Invalid(line: number, reason: "high \(candle.high) and low \(candle.low) must hold open \(candle.open) and close \(candle.close)")
            }
            // Rows go forward in time, so a time that repeats is one not after the row before; only
            // then is the earlier row looked for.
            if let previous = candles.last, time <= previous.openTime {
                if let earlier = candles.lastIndex(where: { $0.openTime == time }) {
                    throw Invalid(line: number, reason: "time \(Timestamp(millisecondsSinceEpoch: time).iso8601) repeats line \(earlier + 2)")
                }
                throw Invalid(line: number, reason: "time \(Timestamp(millisecondsSinceEpoch: time).iso8601) comes before line \(number - 1)'s; "
                    + "the rows must be in time order")
            }
            if time % timeframe.milliseconds != 0 {
                throw Invalid(line: number, reason: "time \(Timestamp(millisecondsSinceEpoch: time).iso8601) is not the start of a \(timeframe) candle")
            }
            candles.append(candle)
        }
        guard !candles.isEmpty else { throw Invalid(line: 2, reason: "no candles after the header") }
        return CandleFile(candles: candles, timeframe: timeframe)
    }

    /// The lines of a file, each without its "\n" or "\r\n", as views of its bytes.
    struct LineReader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0

        init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func next() -> UnsafeBufferPointer<UInt8>? {
            guard position < bytes.count, let base = bytes.baseAddress else { return nil }
            // memchr: the C library's vectorized search, several times faster than a byte loop over megabytes.
            var end = bytes.count
            if let found = memchr(base + position, Int32(UInt8(ascii: "\n")), bytes.count - position) {
                end = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
            }
            var line = UnsafeBufferPointer(rebasing: bytes[position..<end])
            if line.last == UInt8(ascii: "\r") { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
            position = end + 1
            return line
        }

        /// Whether only spaces, tabs and line ends are left.
        var restIsBlank: Bool {
            bytes[min(position, bytes.count)...].allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") }
        }
    }

    /// A field without the spaces and tabs around it.
    static func trimmed(_ field: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var start = 0, end = field.count
        while start < end && (field[start] == UInt8(ascii: " ") || field[start] == UInt8(ascii: "\t")) { start += 1 }
        while end > start && (field[end - 1] == UInt8(ascii: " ") || field[end - 1] == UInt8(ascii: "\t")) { end -= 1 }
        return UnsafeBufferPointer(rebasing: field[start..<end])
    }

    /// Candles from elsewhere (the bot's store, the simulator's seeded market), in time order:
    /// the gaps are counted the same way.
    public init(candles: [Candle], timeframe: Timeframe) {
        self.candles = candles
        self.timeframe = timeframe
        var gaps = 0
        var longest: Gap?
        for (before, after) in zip(candles, candles.dropFirst()) where after.openTime - before.openTime > timeframe.milliseconds {
            gaps += 1
            let gap = Gap(after: before.openTime, resumes: after.openTime,
                          missingCandles: (after.openTime - before.openTime) / timeframe.milliseconds - 1)
            if gap.missingCandles > (longest?.missingCandles ?? 0) { longest = gap }
        }
        self.gaps = gaps
        longestGap = longest
    }

    public init(candles: [Candle], timeframe: Timeframe, gaps: Int, longestGap: Gap?) {
        self.candles = candles
        self.timeframe = timeframe
        self.gaps = gaps
        self.longestGap = longestGap
    }

    /// One-minute candles merged into `timeframe` (only whole candles: a partial first or last one is dropped).
    public static func merging(minutes: [Candle], into timeframe: Timeframe) -> [Candle] {
        guard timeframe.milliseconds > Timeframe.oneMinute.milliseconds else { return minutes }
        let whole = Int(timeframe.milliseconds / Timeframe.oneMinute.milliseconds)
        return merge(minutes, into: timeframe).filter { $0.parts == whole }.map(\.candle)
    }

    /// Shorter candles folded into `timeframe`'s, each with how many went into it.
    static func merge(_ candles: some Sequence<Candle>, into timeframe: Timeframe) -> [(candle: Candle, parts: Int)] {
        var merged: [(candle: Candle, parts: Int)] = []
        for candle in candles {
            let open = timeframe.openTime(containing: candle.openTime)
            if let last = merged.last, last.candle.openTime == open {
                merged[merged.count - 1].candle.absorb(candle)
                merged[merged.count - 1].parts += 1
            } else {
                var first = candle
                first.openTime = open
                first.closeTime = open + timeframe.milliseconds - 1
                merged.append((first, 1))
            }
        }
        return merged
    }

    /// ISO-8601 UTC (with or without milliseconds) or whole epoch milliseconds.
    static func time(_ field: UnsafeBufferPointer<UInt8>) -> Int64? {
        if !field.isEmpty, field.count <= 18, field.allSatisfy({ (48...57).contains($0) }) {
            return field.reduce(Int64(0)) { $0 * 10 + Int64($1 - 48) }
        }
        return Timestamp(iso8601: String(decoding: field, as: UTF8.self))?.millisecondsSinceEpoch
    }
}
