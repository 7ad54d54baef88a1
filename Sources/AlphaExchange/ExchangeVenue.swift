import AlphaCore

/// One exchange as the bot sees it (DESIGN §12): an account to ask and tell, a stream of domain
/// events, what the venue can do, and how fast it may be asked. Binance USDⓈ-M is one
/// implementation (`BinanceVenue`); Upbit spot will be another. Nothing outside a venue's own
/// folder knows its paths, parameter names or JSON.
public protocol ExchangeVenue: AnyObject {
    var capabilities: VenueCapabilities { get }
    var account: any ExchangeAccount { get }
    /// Pacing shared by every request to this venue, the stream's included.
    var pacer: any RequestPacer { get }
    /// The account's wallet (transfers, deposits, withdrawals), when the venue has an API for it.
    var wallet: (any ExchangeWallet)? { get }
    /// A new, not yet started stream of the account's events.
    func makeStream() -> any ExchangeStream
    /// Public market data over REST (candles), paced with the account's requests.
    var marketData: any ExchangeMarketData { get }
    /// A new, not yet started stream of the symbols' candles (of these timeframes) and mark prices.
    func makeMarketStream(symbols: [String], timeframes: [Timeframe]) -> any MarketStream
}

/// The account's push channel, a fast hint (REST stays the truth). It runs on its own thread
/// and hands every signal to the handler given to `start`.
public protocol ExchangeStream: AnyObject {
    func start(_ handler: @escaping @Sendable (StreamSignal) -> Void)
    /// Returns when the stream's thread has ended.
    func stop()
}

/// What a stream says, in domain terms.
public enum StreamSignal: Sendable, Equatable {
    /// A session is up; `label` is safe to log (never a whole listen key or token).
    case connected(label: String)
    /// The session ended; the stream reconnects by itself.
    case disconnected(reason: String)
    /// Facts, as the events they are (with the dedup keys their REST copies share).
    case facts([Event])
    /// Funding was paid or charged: its per-symbol lines are in the income history now.
    case fundingSettled
    /// The holdings changed, but the message lacks what the projections need (Upbit's `myAsset`
    /// has no average buy price): the account is read over REST.
    case holdingsChanged
    /// A message that could not be read; the reconciler fetches the same facts over REST.
    case unreadable(reason: String)
}

/// Why requests may not leave now, and until when (monotonic milliseconds).
public enum PacerClosure: Sendable, Equatable {
    /// Asked to wait (Binance 429, or its weight budget spent for the minute).
    case rateLimited(untilMilliseconds: Int64)
    /// Banned until then (Binance 418).
    case banned(untilMilliseconds: Int64)

    public var until: Int64 {
        switch self {
        case .rateLimited(let until), .banned(let until): until
        }
    }
}

/// Request pacing for one venue: Binance's per-minute weights today, Upbit's per-group
/// remaining-request counters next. While it is closed, a client sends nothing.
public protocol RequestPacer: AnyObject, Sendable {
    /// Why requests may not leave at `now` (monotonic ms); nil while they may.
    func closure(now: Int64) -> PacerClosure?
    /// Close to the venue's limit: polling should slow down.
    var shouldSlowDown: Bool { get }
    /// Figures for the heartbeat and the dashboard, in the venue's own terms.
    var usage: JSONObject { get }
}

extension ExchangeVenue {
    public var wallet: (any ExchangeWallet)? { nil }
}
