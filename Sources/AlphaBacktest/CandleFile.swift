import AlphaCore

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

    /// Reads `text` as candles of `timeframe` (each row one candle, opening at its `time`). Rows are
    /// read as bytes: a year of minutes is half a million of them.
    public static func parse(_ text: String, timeframe: Timeframe) throws(Invalid) -> CandleFile {
        let bytes = Array(text.utf8)
        // Lines end in "\n" or "\r\n".
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            line.last == UInt8(ascii: "\r") ? line.dropLast() : line
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let first = lines.first else { throw Invalid(line: 1, reason: "the file is empty; the header is \(header.joined(separator: ","))") }
        let names = first.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false).map { String(decoding: trimmed($0), as: UTF8.self).lowercased() }
        guard names == header else {
            throw Invalid(line: 1, reason: "the header must be \(header.joined(separator: ",")) (found \(String(decoding: first.prefix(80), as: UTF8.self)))")
        }
        var candles: [Candle] = []
        candles.reserveCapacity(lines.count - 1)
        var values: [Amount] = []
        values.reserveCapacity(5)
        var fields: [ArraySlice<UInt8>] = []
        fields.reserveCapacity(header.count)
        for (offset, line) in lines.enumerated().dropFirst() {
            let number = offset + 1
            guard !trimmed(line).isEmpty else { throw Invalid(line: number, reason: "the line is empty") }
            fields.removeAll(keepingCapacity: true)
            var start = line.startIndex
            for index in line.indices where line[index] == UInt8(ascii: ",") {
                fields.append(trimmed(line[start..<index]))
                start = index + 1
            }
            fields.append(trimmed(line[start...]))
            guard fields.count == header.count else {
                throw Invalid(line: number, reason: "\(fields.count) fields; a row has \(header.count): \(header.joined(separator: ","))")
            }
            func quoted(_ field: ArraySlice<UInt8>) -> String { String(decoding: field.prefix(40), as: UTF8.self) }
            guard let time = Self.time(fields[0]) else {
                throw Invalid(line: number, reason: "time '\(quoted(fields[0]))' is neither ISO-8601 UTC (2026-01-02T00:00:00Z) nor epoch milliseconds")
            }
            values.removeAll(keepingCapacity: true)
            for index in 1..<header.count {
                guard let value = Amount(ascii: fields[index]), !value.isNegative, index == 5 || !value.isZero else {
                    throw Invalid(line: number, reason: "\(header[index]) '\(quoted(fields[index]))' is not a \(index == 5 ? "decimal ≥ 0" : "positive decimal")")
                }
                values.append(value)
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

    /// A field without the spaces and tabs around it.
    static func trimmed(_ field: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let blank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        guard let start = field.firstIndex(where: { !blank($0) }), let end = field.lastIndex(where: { !blank($0) }) else { return field[field.endIndex...] }
        return field[start...end]
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
    static func time(_ text: String) -> Int64? { time(Array(text.utf8)[...]) }

    static func time(_ field: ArraySlice<UInt8>) -> Int64? {
        if !field.isEmpty, field.count <= 18, field.allSatisfy({ (48...57).contains($0) }) {
            return field.reduce(Int64(0)) { $0 * 10 + Int64($1 - 48) }
        }
        return Timestamp(iso8601: String(decoding: field, as: UTF8.self))?.millisecondsSinceEpoch
    }
}
