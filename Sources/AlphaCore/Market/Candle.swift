/// One candle (kline) of a symbol and timeframe, as the exchange reports it: times in
/// milliseconds since the epoch (UTC), prices and volumes exact.
public struct Candle: Sendable, Equatable {
    public var openTime: Int64
    /// The last millisecond the candle covers (Binance: open time + interval − 1).
    public var closeTime: Int64
    public var open: Amount
    public var high: Amount
    public var low: Amount
    public var close: Amount
    public var volume: Amount
    public var quoteVolume: Amount
    public var trades: Int64

    public init(openTime: Int64, closeTime: Int64, open: Amount, high: Amount, low: Amount, close: Amount,
                volume: Amount = .zero, quoteVolume: Amount = .zero, trades: Int64 = 0) {
        self.openTime = openTime
        self.closeTime = closeTime
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
        self.quoteVolume = quoteVolume
        self.trades = trades
    }

    /// Folds a later candle of the same interval into this one (minutes merged into an hour): the
    /// high and low over both, the later close, the volumes and trades summed.
    public mutating func absorb(_ later: Candle) {
        high = max(high, later.high)
        low = min(low, later.low)
        close = later.close
        volume += later.volume
        quoteVolume += later.quoteVolume
        trades += later.trades
    }

    /// Whether the candle is over at `time`: only closed candles drive signals.
    public func isClosed(at time: Int64) -> Bool { time > closeTime }

    /// The prices are a candle's: low ≤ open, close ≤ high, all positive. Data from outside
    /// (a REST page, a stream message) is checked with this before it is kept.
    public var isWellFormed: Bool {
        low > .zero && low <= high && open >= low && open <= high && close >= low && close <= high
            && !volume.isNegative && closeTime >= openTime
    }
}
