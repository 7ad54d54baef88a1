import AlphaCore

/// Upbit KRW spot as an `ExchangeVenue` (issue 18): every REST client of the account shares one
/// pacer, because Upbit counts per account and group. The private stream is Upbit's WebSocket;
/// candles are polled over REST (`PollingMarketStream`). No wallet API here: deposits and
/// withdrawals are not moved by the engine on Upbit.
public final class UpbitVenue: ExchangeVenue {
    public struct Settings: Sendable {
        public var restURL: String
        public var webSocketURL: String
        public var credentials: UpbitCredentials
        public var restTimeoutMilliseconds = 10_000
        /// How often candles are polled.
        public var candlePollMilliseconds = 1000
        public var stream = UpbitStream.Settings()
        /// Where the clients say what an operator should know (429s, 418s).
        public var log: (@Sendable (String) -> Void)?

        public init(restURL: String, webSocketURL: String, credentials: UpbitCredentials) {
            self.restURL = restURL
            self.webSocketURL = webSocketURL
            self.credentials = credentials
        }
    }

    public let capabilities = VenueCapabilities.upbitKRW
    public let account: any ExchangeAccount
    public let marketData: any ExchangeMarketData
    private let upbitPacer = UpbitPacer()
    private let settings: Settings
    private let scope: Scope

    public init(settings: Settings, scope: Scope) {
        self.settings = settings
        self.scope = scope
        let client = Self.makeClient(settings, pacer: upbitPacer)
        account = UpbitAccount(client: client, scope: scope)
        marketData = UpbitMarketData(client: client)
    }

    public var pacer: any RequestPacer { upbitPacer }

    public func makeStream() -> any ExchangeStream {
        UpbitStream(webSocketBase: settings.webSocketURL, credentials: settings.credentials, markets: [], scope: scope, settings: settings.stream)
    }

    public func makeMarketStream(symbols: [String], timeframes: [Timeframe]) -> any MarketStream {
        let settings = self.settings, pacer = upbitPacer
        return PollingMarketStream(makeMarketData: { UpbitMarketData(client: Self.makeClient(settings, pacer: pacer)) }, symbols: symbols,
                                   timeframes: timeframes, intervalMilliseconds: settings.candlePollMilliseconds)
    }

    private static func makeClient(_ settings: Settings, pacer: UpbitPacer) -> UpbitRESTClient {
        let client = UpbitRESTClient(baseURL: settings.restURL, credentials: settings.credentials, timeoutMilliseconds: settings.restTimeoutMilliseconds,
                                     pacer: pacer)
        client.log = settings.log
        return client
    }
}
