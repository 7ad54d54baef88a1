import AlphaCore
import Foundation

/// Everything a process starts from, assembled once by `ConfigurationLoader`: `secrets.yaml`,
/// then the environment, then the command line, each overriding the one before. The settings
/// may be printed and logged; the credentials are kept apart and never are.
///
/// What the engine does while it runs (symbol, poll interval, log level, strategy, risk limits)
/// is the runtime configuration in the database (`RuntimeConfig`), changed through the API.
public struct EngineConfiguration: Sendable, CustomStringConvertible {
    public var mode: TradingMode
    /// The exchange traded (`exchange: binance | upbit`): its rules, money and endpoints.
    public var venue: VenueCapabilities
    public var endpoints: Endpoints
    /// Where the database files (one per mode) and the web's generated key live.
    public var dataDirectory: String
    /// Origins (`https://dash.example.com`) allowed to call the web API from a browser; none by
    /// default, which keeps CORS off.
    public var webCORSOrigins: [String]
    public var credentials: Credentials
    /// Where withdrawals may go (the file's `withdrawals` section; off by default).
    public var withdrawals: WithdrawalPolicy
    /// Slack and Telegram (the file's `notifications` section; off by default). Holds credentials.
    public var notifications: NotificationSettings
    /// This process's account among several in one PostgreSQL database (`account:`); nil for a
    /// store of one account.
    public var account: String?
    /// The accounts one web serves (`accounts:`), the default first; empty for one account.
    public var servedAccounts: [ServedAccount] = []

    /// An account the web serves: its name, venue and mode (its keys stay with its bot).
    public struct ServedAccount: Sendable, Equatable {
        public var name: String
        public var venue: VenueCapabilities
        public var mode: TradingMode

        public init(name: String, venue: VenueCapabilities, mode: TradingMode) {
            self.name = name
            self.venue = venue
            self.mode = mode
        }
    }

    public static let defaultDataDirectory = "data"

    public init(mode: TradingMode, venue: VenueCapabilities = .binanceUSDM, endpoints: Endpoints, dataDirectory: String = defaultDataDirectory,
                webCORSOrigins: [String] = [], credentials: Credentials = Credentials(), withdrawals: WithdrawalPolicy = WithdrawalPolicy(),
                notifications: NotificationSettings = NotificationSettings()) {
        self.notifications = notifications
        self.withdrawals = withdrawals
        self.mode = mode
        self.venue = venue
        self.endpoints = endpoints
        self.dataDirectory = dataDirectory
        self.webCORSOrigins = webCORSOrigins
        self.credentials = credentials
    }

    /// This venue's and mode's database: production, testnet and sim never share a file, nor two venues.
    public var databasePath: String { AlphaSettings.databasePath(dataDirectory: dataDirectory, mode: mode, venue: venue) }

    /// Where the data is, as it may be shown: the SQLite file, or the PostgreSQL server and
    /// database without the user's password or the URL's options.
    public var storageDescription: String {
        guard let url = credentials.storageURL else { return databasePath }
        return Self.describe(storageURL: url) + (account.map { " (account \($0))" } ?? "")
    }

    /// A PostgreSQL URL as it may be shown: server and database, without the password or options.
    public static func describe(storageURL url: String) -> String {
        guard let components = URLComponents(string: url) else { return "postgresql (URL not shown)" }
        let user = components.user.map { "\($0)@" } ?? ""
        let port = components.port.map { ":\($0)" } ?? ""
        return "postgresql://\(user)\(components.host ?? "")\(port)\(components.path)"
    }

    public var description: String {
        "EngineConfiguration(exchange: \(venue.configurationName), mode: \(mode.rawValue), rest: \(endpoints.rest), ws: \(endpoints.webSocket), "
            + "dataDirectory: \(dataDirectory), corsOrigins: \(webCORSOrigins.count), \(credentials), \(notifications))"
    }

    /// What the command line may set; nil (or empty) leaves the file's or the environment's value.
    public struct Flags: Sendable {
        public var dataDirectory: String?
        public var webCORSOrigins: [String] = []

        public init(dataDirectory: String? = nil, webCORSOrigins: [String] = []) {
            self.dataDirectory = dataDirectory
            self.webCORSOrigins = webCORSOrigins
        }
    }
}

/// The secrets a process holds: the exchange account's API key and the web's token-signing key.
/// Nothing prints them: the description says only which are set.
public struct Credentials: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The exchange's API key pair; nil when none was given (the simulator prints fresh keys,
    /// passed in `ALPHAENGINE_SIM_API_KEY` and `ALPHAENGINE_SIM_API_SECRET`).
    public var exchange: APIKey?
    /// The HS256 key for the web's tokens, at least 32 bytes; optional only in `sim`.
    public var webSecretKey: String?
    /// A PostgreSQL URL (`storage: postgresql://…`) in place of the SQLite file in the data
    /// directory. It may carry a password, so it is a credential: never printed.
    public var storageURL: String?

    public static let minimumWebSecretBytes = 32

    public init(exchange: APIKey? = nil, webSecretKey: String? = nil, storageURL: String? = nil) {
        self.exchange = exchange
        self.webSecretKey = webSecretKey
        self.storageURL = storageURL
    }

    public var description: String {
        "Credentials(exchange: \(exchange == nil ? "none" : "set"), webSecretKey: \(webSecretKey == nil ? "none" : "set"), "
            + "storage: \(storageURL == nil ? "sqlite" : "postgresql"))"
    }

    public var debugDescription: String { description }
}

/// An exchange API key and its secret.
public struct APIKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var key: String
    public var secret: String

    public init(key: String, secret: String) {
        self.key = key
        self.secret = secret
    }

    public var description: String { "APIKey(set, \(key.count) characters)" }
    public var debugDescription: String { description }
}
