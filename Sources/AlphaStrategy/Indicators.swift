import AlphaCore

/// The indicators the shipped strategies use, in exact decimals over closed candles (oldest
/// first). Each returns nil when there are too few candles, never a value from a partial window.
public enum Indicators {
    /// The simple moving average of the last `period` closes, ending `offset` candles before the last.
    public static func sma(_ candles: ArraySlice<Candle>, period: Int, offset: Int = 0) -> Amount? {
        guard period > 0, candles.count >= period + offset else { return nil }
        let end = candles.endIndex - offset
        var sum = Amount.zero
        for index in (end - period)..<end { sum += candles[index].close }
        return mean(sum, period)
    }

    /// The simple moving average of the last `period` closes and the one a candle earlier, the closes
    /// they share summed once: a crossover needs both on every candle.
    public static func smaNowAndBefore(_ candles: ArraySlice<Candle>, period: Int) -> (now: Amount, before: Amount)? {
        guard period > 0, candles.count >= period + 1 else { return nil }
        let end = candles.endIndex
        let shared = candles[(end - period)..<(end - 1)].lazy.map { $0.close }.sum()
        return (mean(shared + candles[end - 1].close, period), mean(shared + candles[end - period - 1].close, period))
    }

    /// The highest high of the `period` candles before the last `offset` ones (Donchian's upper band).
    public static func highest(_ candles: ArraySlice<Candle>, period: Int, offset: Int = 0) -> Amount? {
        window(candles, period, offset)?.map(\.high).max()
    }

    /// The lowest low of the `period` candles before the last `offset` ones (Donchian's lower band).
    public static func lowest(_ candles: ArraySlice<Candle>, period: Int, offset: Int = 0) -> Amount? {
        window(candles, period, offset)?.map(\.low).min()
    }

    /// The true range of `candle` after `previous`: the largest of high − low and the gaps from the previous close.
    public static func trueRange(_ candle: Candle, previous: Candle) -> Amount {
        max(candle.high - candle.low, (candle.high - previous.close).magnitude, (candle.low - previous.close).magnitude)
    }

    /// The average true range over the last `period` candles (a simple mean; it needs `period + 1` candles).
    public static func atr(_ candles: ArraySlice<Candle>, period: Int) -> Amount? {
        guard period > 0, candles.count >= period + 1 else { return nil }
        var sum = Amount.zero
        for index in (candles.endIndex - period)..<candles.endIndex { sum += trueRange(candles[index], previous: candles[index - 1]) }
        return mean(sum, period)
    }

    private static func window(_ candles: ArraySlice<Candle>, _ period: Int, _ offset: Int) -> ArraySlice<Candle>? {
        guard period > 0, candles.count >= period + offset else { return nil }
        let end = candles.endIndex - offset
        return candles[(end - period)..<end]
    }

    /// `sum / count` to 12 places: enough for any price, and the same on every machine.
    static func mean(_ sum: Amount, _ count: Int) -> Amount { sum.divided(by: Amount(count), scale: 12) }
}
