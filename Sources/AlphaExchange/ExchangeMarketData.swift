import AlphaCore

/// A venue's public market data over REST: what the bot back-fills candles from. No keys.
public protocol ExchangeMarketData: AnyObject {
    /// The most candles one request returns (Binance: 1500).
    var candlesPerRequest: Int { get }
    /// Candles oldest first: from `start` (open time, inclusive) forward when given, else the newest
    /// `limit` up to `end` (open time, inclusive) or now. The newest the venue has is still open.
    func candles(symbol: String, timeframe: Timeframe, start: Int64?, end: Int64?, limit: Int) throws -> [Candle]
    /// Every trading symbol's tick and step.
    func symbolRules() throws -> [String: SymbolRules]
}

/// A venue's market streams for some symbols: candles as they form and close, and mark prices.
/// It runs on its own thread, reconnects by itself, and hands every signal to the handler.
public protocol MarketStream: AnyObject {
    func start(_ handler: @escaping @Sendable (MarketSignal) -> Void)
    /// Returns when the stream's thread has ended.
    func stop()
}

public enum MarketSignal: Sendable, Equatable {
    case connected
    /// Candles may have closed unseen meanwhile: the receiver back-fills over REST.
    case disconnected(reason: String)
    /// A candle in progress (`closed` false) or the final state of one that has closed.
    case candle(symbol: String, timeframe: Timeframe, candle: Candle, closed: Bool)
    case mark(MarkPrice)
}
