import AlphaCore
import AlphaJSON

/// OHLCV candles built from the account's own fills: what the engine actually traded, at the
/// prices it got. Intervals with no fill are left out.
struct FillCandle: Equatable {
    let openTime: Int64
    var open: Amount
    var high: Amount
    var low: Amount
    var close: Amount
    var volume: Amount
    var trades: Int64

    static let intervals: [String: Int64] = [
        "1m": 60_000, "5m": 300_000, "15m": 900_000, "1h": 3_600_000, "4h": 14_400_000, "1d": 86_400_000,
    ]

    /// Fills (price, quantity, time ms) in log order, bucketed by `intervalMilliseconds` from
    /// the epoch (UTC), oldest candle first. Open and close follow fill time, not log order.
    static func build(_ fills: [(price: Amount, quantity: Amount, time: Int64)], intervalMilliseconds: Int64) -> [FillCandle] {
        var candles: [Int64: FillCandle] = [:]
        var firstTime: [Int64: Int64] = [:], lastTime: [Int64: Int64] = [:]
        for fill in fills {
            let start = fill.time - ((fill.time % intervalMilliseconds) + intervalMilliseconds) % intervalMilliseconds
            guard var candle = candles[start] else {
                candles[start] = FillCandle(openTime: start, open: fill.price, high: fill.price, low: fill.price, close: fill.price,
                                        volume: fill.quantity, trades: 1)
                firstTime[start] = fill.time
                lastTime[start] = fill.time
                continue
            }
            if fill.price > candle.high { candle.high = fill.price }
            if fill.price < candle.low { candle.low = fill.price }
            if fill.time < firstTime[start]! { candle.open = fill.price; firstTime[start] = fill.time }
            if fill.time >= lastTime[start]! { candle.close = fill.price; lastTime[start] = fill.time }
            candle.volume += fill.quantity
            candle.trades += 1
            candles[start] = candle
        }
        return candles.values.sorted { $0.openTime < $1.openTime }
    }

    var json: JSONValue {
        .object([
            "openTime": .int(openTime), "open": .amount(open), "high": .amount(high), "low": .amount(low),
            "close": .amount(close), "volume": .amount(volume), "trades": .int(trades),
        ])
    }
}

/// The exchange's candles (kept by the bot in `market_candles`) as the API serves them.
enum MarketCandles {
    /// One-minute (or any shorter) candles merged into `timeframe`: open of the first, close of
    /// the last, high and low over all, volumes and trades summed. Oldest first.
    static func merge(_ candles: [Candle], into timeframe: Timeframe) -> [Candle] {
        var merged: [Candle] = []
        for candle in candles {
            let open = timeframe.openTime(containing: candle.openTime)
            if let last = merged.last, last.openTime == open {
                merged[merged.count - 1].absorb(candle)
            } else {
                merged.append(Candle(openTime: open, closeTime: open + timeframe.milliseconds - 1, open: candle.open, high: candle.high,
                                               low: candle.low, close: candle.close, volume: candle.volume, quoteVolume: candle.quoteVolume,
                                               trades: candle.trades))
            }
        }
        return merged
    }

    static func json(_ candle: Candle) -> JSONValue {
        .object([
            "openTime": .int(candle.openTime), "open": .amount(candle.open), "high": .amount(candle.high), "low": .amount(candle.low),
            "close": .amount(candle.close), "volume": .amount(candle.volume), "trades": .int(candle.trades),
        ])
    }
}
