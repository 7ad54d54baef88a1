import AlphaCore

/// One candle; open time and close time in milliseconds, as `klines` reports them.
public struct SimCandle: Sendable, Equatable {
    public let openTime: Int64
    public let closeTime: Int64
    public var open: Amount
    public var high: Amount
    public var low: Amount
    public var close: Amount
    public var volume: Amount = .zero
    public var quoteVolume: Amount = .zero
    public var trades = 0
}

/// One-minute candles per symbol, built from every price and fill; longer intervals are merged
/// from them on request. Keeps the last `capacity` minutes.
public struct SimCandleBook: Sendable {
    public static let minute: Int64 = 60_000
    public let capacity: Int
    private var candles: [String: [SimCandle]] = [:]

    public init(capacity: Int = 1500 * 24) { self.capacity = capacity }

    public mutating func record(symbol: String, price: Amount, quantity: Amount = .zero, time: Int64) {
        let openTime = time - time % Self.minute
        var series = candles[symbol] ?? []
        if let last = series.last, last.openTime == openTime {
            var candle = last
            candle.high = max(candle.high, price)
            candle.low = min(candle.low, price)
            candle.close = price
            candle.volume += quantity
            candle.quoteVolume += quantity * price
            if !quantity.isZero { candle.trades += 1 }
            series[series.count - 1] = candle
        } else {
            series.append(SimCandle(openTime: openTime, closeTime: openTime + Self.minute - 1, open: price, high: price, low: price,
                                    close: price, volume: quantity, quoteVolume: quantity * price, trades: quantity.isZero ? 0 : 1))
            if series.count > capacity { series.removeFirst(series.count - capacity) }
        }
        candles[symbol] = series
    }

    /// Candles of `interval` milliseconds (a multiple of a minute), oldest first, at most `limit`.
    public func klines(symbol: String, interval: Int64, startTime: Int64?, endTime: Int64?, limit: Int) -> [SimCandle] {
        var merged: [SimCandle] = []
        for candle in candles[symbol] ?? [] {
            if let startTime, candle.openTime < startTime - startTime % interval { continue }
            if let endTime, candle.openTime > endTime { break }
            let openTime = candle.openTime - candle.openTime % interval
            if var last = merged.last, last.openTime == openTime {
                last.high = max(last.high, candle.high)
                last.low = min(last.low, candle.low)
                last.close = candle.close
                last.volume += candle.volume
                last.quoteVolume += candle.quoteVolume
                last.trades += candle.trades
                merged[merged.count - 1] = last
            } else {
                var first = candle
                first = SimCandle(openTime: openTime, closeTime: openTime + interval - 1, open: candle.open, high: candle.high,
                                  low: candle.low, close: candle.close, volume: candle.volume, quoteVolume: candle.quoteVolume,
                                  trades: candle.trades)
                merged.append(first)
            }
        }
        return startTime == nil ? Array(merged.suffix(limit)) : Array(merged.prefix(limit))
    }

    /// Binance's interval names in milliseconds.
    public static func interval(_ name: String) -> Int64? {
        let table: [String: Int64] = ["1m": 1, "3m": 3, "5m": 5, "15m": 15, "30m": 30, "1h": 60, "2h": 120, "4h": 240,
                                      "6h": 360, "8h": 480, "12h": 720, "1d": 1440, "3d": 4320, "1w": 10080]
        return table[name].map { $0 * minute }
    }
}
