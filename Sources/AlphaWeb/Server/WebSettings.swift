import AlphaCore
import AlphaHTTP
import AlphaStore

/// Everything the web process is told at start: where the store is, where to listen, how long
/// tokens live, which origins may call it from a browser, and its limits.
public struct WebSettings: Sendable {
    /// The store the bot writes: the web opens its own connections to it.
    public var storage: any StorageBackend
    public var mode: TradingMode
    /// The account's name when one web serves several (each under `/api/accounts/<name>/`, its
    /// tokens good for it alone); nil for a web of one account.
    public var account: String?
    public var http = HTTPServerConfiguration()
    /// How long an access token from login lasts.
    public var tokenLifetimeSeconds: Int64 = 3600
    /// Origins (scheme://host[:port]) allowed to call the API from a browser. Empty: CORS off.
    public var corsOrigins: Set<String> = []
    /// Take the client address for login throttling from the last `X-Forwarded-For` entry, when
    /// the server runs behind nginx on loopback (deploy/); off otherwise, since clients could forge it.
    public var trustForwardedFor = false
    /// The bot counts as alive while its heartbeat is younger than this.
    public var botStaleAfterMilliseconds: Int64 = 10_000
    /// How often the event tail asks SQLite whether anything was committed (`PRAGMA data_version`).
    public var tailPollMicroseconds: UInt32 = 250
    public var loginLimits = LoginThrottle.Limits()
    /// Where withdrawals may go (the server's configuration file; off by default).
    public var withdrawals = WithdrawalPolicy()
    /// The contract served at /api/openapi.yaml, as read from disk at start.
    public var openAPIDocument: [UInt8]
    /// The SPA's files; nil serves none.
    public var publicDirectory: String?
    /// Browser libraries where the system put them (Debian's `libjs-*`), by name: each directory
    /// is served under `/vendor/<name>/`, never copied into the repository.
    public var vendorDirectories: [String: String] = [:]

    public init(storage: any StorageBackend, mode: TradingMode, openAPIDocument: [UInt8]) {
        self.storage = storage
        self.mode = mode
        self.openAPIDocument = openAPIDocument
    }

    /// The SQLite file at `databasePath` (the only backend today), of an account on `venue`.
    public init(databasePath: String, venue: VenueCapabilities = .binanceUSDM, mode: TradingMode, openAPIDocument: [UInt8]) {
        self.init(storage: SQLiteBackend(path: databasePath, venue: venue), mode: mode, openAPIDocument: openAPIDocument)
    }
}
