import AlphaCore

/// One-minute candles per symbol, in market time, built from the seeded history, every price
/// the market process sets and every fill; longer intervals are merged from them on request.
/// A new minute opens at the previous close, so the series has no gaps between candles.
/// Keeps the last `capacity` minutes.
public struct SimCandleBook: Sendable {
    public static let minute: Int64 = 60_000
    public let capacity: Int
    private var candles: [String: [Candle]] = [:]

    public init(capacity: Int = 1500 * 24) { self.capacity = capacity }

    /// Replaces a symbol's candles with a history (oldest first), before anything is recorded.
    public mutating func seed(symbol: String, history: [Candle]) {
        candles[symbol] = Array(history.suffix(capacity))
    }

    public mutating func record(symbol: String, price: Amount, quantity: Amount = .zero, time: Int64) {
        let openTime = time - time % Self.minute
        var series = candles[symbol] ?? []
        if let last = series.last, last.openTime >= openTime {
            var candle = last
            candle.high = max(candle.high, price)
            candle.low = min(candle.low, price)
            candle.close = price
            candle.volume += quantity
            candle.quoteVolume += quantity * price
            if !quantity.isZero { candle.trades += 1 }
            series[series.count - 1] = candle
        } else {
            let open = series.last?.close ?? price
            series.append(Candle(openTime: openTime, closeTime: openTime + Self.minute - 1, open: open, high: max(open, price),
                                 low: min(open, price), close: price, volume: quantity, quoteVolume: quantity * price,
                                 trades: quantity.isZero ? 0 : 1))
            if series.count > capacity { series.removeFirst(series.count - capacity) }
        }
        candles[symbol] = series
    }

    /// The candle in progress (the last one), if any.
    public func current(symbol: String) -> Candle? { candles[symbol]?.last }

    /// Candles of `interval` milliseconds (a multiple of a minute), oldest first, at most `limit`,
    /// as Binance pages them: from `startTime` forward, or the last `limit` up to `endTime` (or now).
    public func klines(symbol: String, interval: Int64, startTime: Int64?, endTime: Int64?, limit: Int) -> [Candle] {
        let series = candles[symbol] ?? []
        // Binance cuts every interval at the epoch in UTC, except weeks, which start on Monday.
        let timeframe = Timeframe.all.first { $0.milliseconds == interval }
        func align(_ time: Int64) -> Int64 { timeframe?.openTime(containing: time) ?? time - time % interval }
        // Binance starts at the first candle that opens at or after startTime, and ends with the
        // last that opens at or before endTime, whole.
        let alignedStart = startTime.map { align($0) == $0 ? $0 : align($0) + interval }
        // Minutes are sorted by open time: find the first and last that can matter by bisection,
        // so a page costs what it returns, not the whole history.
        let first: Int
        if let alignedStart { first = Self.firstIndex(in: series, atOrAfter: alignedStart) } else if let endTime {
            first = Self.firstIndex(in: series, atOrAfter: align(endTime) - Int64(limit) * interval)
        } else {
            first = Self.firstIndex(in: series, atOrAfter: align(series.last?.openTime ?? 0) - Int64(limit) * interval)
        }
        var merged: [Candle] = []
        for candle in series[first...] {
            let openTime = align(candle.openTime)
            if let endTime, openTime > endTime { break }
            if let last = merged.last, last.openTime == openTime {
                merged[merged.count - 1].absorb(candle)
            } else {
                if alignedStart != nil, merged.count == limit { break }
                merged.append(Candle(openTime: openTime, closeTime: openTime + interval - 1, open: candle.open, high: candle.high,
                                     low: candle.low, close: candle.close, volume: candle.volume, quoteVolume: candle.quoteVolume,
                                     trades: candle.trades))
            }
        }
        return alignedStart == nil ? Array(merged.suffix(limit)) : Array(merged.prefix(limit))
    }

    private static func firstIndex(in series: [Candle], atOrAfter time: Int64) -> Int {
        var low = 0, high = series.count
        while low < high {
            let middle = (low + high) / 2
            if series[middle].openTime < time { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Binance's interval names in milliseconds.
    public static func interval(_ name: String) -> Int64? { Timeframe(name)?.milliseconds }
}
