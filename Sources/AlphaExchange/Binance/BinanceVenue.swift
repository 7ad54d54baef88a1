import AlphaCore

/// Binance USDⓈ-M Futures as an `ExchangeVenue`: every REST client of the account (the order
/// thread's and the stream's keepalives) shares one weight gate, because Binance counts per IP.
public final class BinanceVenue: ExchangeVenue {
    public struct Settings: Sendable {
        public var restURL: String
        public var webSocketURL: String
        public var apiKey: String
        public var apiSecret: String
        public var restTimeoutMilliseconds = 10_000
        public var rateLimits = RateLimitGate.Thresholds.binance
        public var stream = UserDataStream.Settings()
        /// Where the clients say what an operator should know (weight levels, 429s, 418s).
        public var log: (@Sendable (String) -> Void)?
        /// The wallet API's base (api.binance.com in production; the simulator's own address);
        /// nil where there is none (the futures testnet).
        public var walletURL: String?

        public init(restURL: String, webSocketURL: String, apiKey: String, apiSecret: String) {
            self.restURL = restURL
            self.webSocketURL = webSocketURL
            self.apiKey = apiKey
            self.apiSecret = apiSecret
        }
    }

    public let capabilities = VenueCapabilities.binanceUSDM
    public let gate: RateLimitGate
    public let account: any ExchangeAccount
    public let marketData: any ExchangeMarketData
    public let wallet: (any ExchangeWallet)?
    private let settings: Settings
    private let scope: Scope

    public init(settings: Settings, scope: Scope) {
        self.settings = settings
        self.scope = scope
        gate = RateLimitGate(thresholds: settings.rateLimits)
        let client = Self.makeClient(settings, gate: gate)
        account = BinanceAccount(client: client, scope: scope)
        marketData = BinanceMarketData(client: client)
        if let url = settings.walletURL {
            var walletSettings = settings
            walletSettings.restURL = url
            wallet = BinanceWallet(futures: client, wallet: url == settings.restURL ? client : Self.makeClient(walletSettings, gate: gate))
        } else {
            wallet = nil
        }
    }

    public func makeMarketStream(symbols: [String], timeframes: [Timeframe]) -> any MarketStream {
        BinanceMarketStream(webSocketBase: settings.webSocketURL, symbols: symbols, timeframes: timeframes, settings: settings.stream)
    }

    public var pacer: any RequestPacer { gate }

    public func makeStream() -> any ExchangeStream {
        let settings = self.settings, gate = self.gate
        return BinanceStream(webSocketBase: settings.webSocketURL, settings: settings.stream, scope: scope,
                             makeClient: { Self.makeClient(settings, gate: gate) })
    }

    private static func makeClient(_ settings: Settings, gate: RateLimitGate) -> BinanceRESTClient {
        let client = BinanceRESTClient(baseURL: settings.restURL, apiKey: settings.apiKey, apiSecret: settings.apiSecret,
                                       timeoutMilliseconds: settings.restTimeoutMilliseconds, gate: gate)
        client.log = settings.log
        return client
    }
}
