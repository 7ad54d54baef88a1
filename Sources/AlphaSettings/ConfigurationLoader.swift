import AlphaCore
import Foundation

/// Assembles the `EngineConfiguration`: `secrets.yaml`, then environment variables (for systemd
/// credentials or a secret manager), then the command line's flags. It refuses to go on when
/// anything is missing, unsafe or misspelt.
///
/// File shape (seed guide §4.1, plus `sim`, `data_dir` and optional endpoint overrides):
/// ```yaml
/// exchange: binance        # binance (USDⓈ-M futures, the default) | upbit (KRW spot; no testnet)
/// mode: testnet            # production | testnet | sim
/// data_dir: /var/lib/alphaengine
/// storage: postgresql://alphaengine@db.example.com/alphaengine?sslmode=verify-full   # optional; SQLite in data_dir without it
/// account: main            # this bot's account in that database (its own schema); one web serves the `accounts`:
/// accounts: { main: { exchange: binance, mode: production }, spot: { exchange: upbit, mode: production } }
/// production: { api_key: "...", api_secret: "..." }
/// testnet:    { api_key: "...", api_secret: "...", rest_url: "...", ws_url: "..." }
/// sim:        { api_key: "...", api_secret: "...", rest_url: "http://127.0.0.1:9901" }
/// web:        { secret_key: "at least 32 bytes", cors_origins: ["https://dash.example.com"] }
/// withdrawals:                # off unless enabled; only to these destinations
///   enabled: true
///   fresh_login_seconds: 300
///   allow: [{ asset: USDT, address: "T...", network: TRX }]
/// notifications:              # off unless a destination is set (see NotificationSettings)
///   slack:    { webhook_url: "https://hooks.slack.com/services/...", kinds: [fills, drift, risk, quarantine, engine, daily_pnl] }
///   telegram: { bot_token: "123:ABC", chat_id: 42, kinds: [...], command_chats: [42] }
/// ```
/// Environment: `ALPHAENGINE_EXCHANGE`, `ALPHAENGINE_MODE`, `ALPHAENGINE_DATA_DIR`, `ALPHAENGINE_<MODE>_API_KEY`,
/// `ALPHAENGINE_<MODE>_API_SECRET`, `ALPHAENGINE_WEB_SECRET_KEY`, `ALPHAENGINE_REST_URL`,
/// `ALPHAENGINE_WS_URL`, `ALPHAENGINE_STORAGE`, `ALPHAENGINE_ACCOUNT`, `ALPHAENGINE_SLACK_WEBHOOK_URL`, `ALPHAENGINE_TELEGRAM_BOT_TOKEN`. Flags: `--data-dir`, and the web's `--cors-origin` (added to the file's).
public enum ConfigurationLoader {
    public static let defaultPath = "config/secrets.yaml"

    /// - Parameters:
    ///   - path: an explicit file (`--config`), which must exist; nil looks for `defaultPath` and,
    ///     when it is absent, runs from the environment alone (mode `sim` unless it says otherwise).
    public static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                            flags: EngineConfiguration.Flags = EngineConfiguration.Flags()) throws(ConfigurationError) -> EngineConfiguration
    {
        let filePath = path ?? (FileManager.default.fileExists(atPath: defaultPath) ? defaultPath : nil)
        let file = try filePath.map { (path) throws(ConfigurationError) in try readFile(path) } ?? [:]
        let source = filePath ?? "the environment"

        let mode: TradingMode
        let fileMode = try string(file, "mode", in: nil)
        let modeText = nonEmpty(environment["ALPHAENGINE_MODE"]) ?? fileMode ?? TradingMode.sim.rawValue
        guard let parsed = TradingMode(rawValue: modeText) else {
            throw .unknownMode(modeText, source: environment["ALPHAENGINE_MODE"] != nil ? "ALPHAENGINE_MODE" : source)
        }
        mode = parsed

        let fileExchange = try string(file, "exchange", in: nil)
        let exchangeText = nonEmpty(environment["ALPHAENGINE_EXCHANGE"]) ?? fileExchange ?? VenueCapabilities.binanceUSDM.configurationName
        guard let venue = VenueCapabilities.named(exchangeText) else {
            throw .unknownExchange(exchangeText, source: environment["ALPHAENGINE_EXCHANGE"] != nil ? "ALPHAENGINE_EXCHANGE" : source)
        }
        guard var endpoints = Endpoints.defaults(for: mode, venue: venue) else { throw .noTestnet(exchange: venue.configurationName) }

        let section = try mapping(file, mode.rawValue)
        let exchange = try apiKey(section, mode: mode, environment)

        let web = try mapping(file, "web")
        let fileWebSecret = try string(web, "secret_key", in: "web")
        let webSecret = nonEmpty(environment["ALPHAENGINE_WEB_SECRET_KEY"]) ?? fileWebSecret
        if let webSecret, webSecret.utf8.count < Credentials.minimumWebSecretBytes {
            throw .webSecretTooShort(key: "web.secret_key", bytes: webSecret.utf8.count)
        }
        if webSecret == nil, mode != .sim {
            throw .missingCredential(key: "web.secret_key", environmentVariable: "ALPHAENGINE_WEB_SECRET_KEY", mode: mode)
        }

        let fileRest = try string(section, "rest_url", in: mode.rawValue)
        let fileWebSocket = try string(section, "ws_url", in: mode.rawValue)
        if let rest = nonEmpty(environment["ALPHAENGINE_REST_URL"]) ?? fileRest {
            try validate(rest, key: "\(mode.rawValue).rest_url", schemes: mode == .sim ? ["http", "https"] : ["https"])
            endpoints.rest = rest
        }
        if let ws = nonEmpty(environment["ALPHAENGINE_WS_URL"]) ?? fileWebSocket {
            try validate(ws, key: "\(mode.rawValue).ws_url", schemes: mode == .sim ? ["ws", "wss"] : ["wss"])
            endpoints.webSocket = ws
        }

        let fileStorage = try string(file, "storage", in: nil)
        let storageURL = nonEmpty(environment["ALPHAENGINE_STORAGE"]) ?? fileStorage
        if let storageURL {
            // The URL itself is never repeated: it may hold a password.
            guard storageURL.hasPrefix("postgresql://") || storageURL.hasPrefix("postgres://"), URLComponents(string: storageURL)?.host != nil else {
                throw .invalidValue(key: environment["ALPHAENGINE_STORAGE"] != nil ? "ALPHAENGINE_STORAGE" : "storage",
                                    reason: "must be a PostgreSQL URL such as postgresql://alphaengine@db.example.com/alphaengine?sslmode=verify-full "
                                        + "(leave it out for the SQLite file in data_dir)")
            }
        }

        let fileAccount = try string(file, "account", in: nil)
        let account = nonEmpty(environment["ALPHAENGINE_ACCOUNT"]) ?? fileAccount
        let accountKey = environment["ALPHAENGINE_ACCOUNT"] != nil ? "ALPHAENGINE_ACCOUNT" : "account"
        if let account {
            try checkAccountName(account, key: accountKey)
            guard storageURL != nil else {
                throw .invalidValue(key: accountKey, reason: "accounts share a PostgreSQL database (storage: postgresql://…); on SQLite each account has its own data_dir")
            }
        }
        let served = try servedAccounts(file["accounts"], first: account)
        if !served.isEmpty, storageURL == nil {
            throw .invalidValue(key: "accounts", reason: "one web for several accounts needs their PostgreSQL database (storage: postgresql://…)")
        }

        let fileDataDirectory = try string(file, "data_dir", in: nil)
        let dataDirectory = nonEmpty(flags.dataDirectory) ?? nonEmpty(environment["ALPHAENGINE_DATA_DIR"]) ?? fileDataDirectory
            ?? EngineConfiguration.defaultDataDirectory
        var origins = try origins(web["cors_origins"])
        for origin in flags.webCORSOrigins where !origins.contains(origin) {
            try checkOrigin(origin, key: "--cors-origin")
            origins.append(origin)
        }
        var configuration = EngineConfiguration(mode: mode, venue: venue, endpoints: endpoints, dataDirectory: dataDirectory, webCORSOrigins: origins,
                                   credentials: Credentials(exchange: exchange, webSecretKey: webSecret, storageURL: storageURL),
                                   withdrawals: try withdrawals(mapping(file, "withdrawals")),
                                   notifications: try notifications(mapping(file, "notifications"), environment))
        configuration.account = account
        configuration.servedAccounts = served
        return configuration
    }

    private static func checkAccountName(_ name: String, key: String) throws(ConfigurationError) {
        guard !name.isEmpty, name.utf8.count <= 40,
              name.utf8.allSatisfy({ $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) })
        else { throw .invalidValue(key: key, reason: "an account name is 1 to 40 lowercase letters, digits and underscores") }
    }

    /// `accounts: { main: { exchange: binance, mode: sim }, … }`: the accounts one web serves,
    /// `first` (this configuration's own `account`) first and the rest by name.
    private static func servedAccounts(_ value: Any?, first: String?) throws(ConfigurationError) -> [EngineConfiguration.ServedAccount] {
        guard let value, !(value is NSNull) else { return [] }
        guard let entries = value as? [String: Any] else {
            throw .invalidValue(key: "accounts", reason: "must map each account's name to {exchange, mode}")
        }
        var served: [EngineConfiguration.ServedAccount] = []
        for name in entries.keys.sorted() {
            let key = "accounts.\(name)"
            try checkAccountName(name, key: key)
            guard let fields = entries[name] as? [String: Any] else { throw .invalidValue(key: key, reason: "must be a mapping {exchange, mode}") }
            for field in fields.keys where !["exchange", "mode"].contains(field) {
                throw .invalidValue(key: "\(key).\(field)", reason: "unknown key (exchange and mode are known)")
            }
            let exchange = try string(fields, "exchange", in: key) ?? VenueCapabilities.binanceUSDM.configurationName
            guard let venue = VenueCapabilities.named(exchange) else { throw .unknownExchange(exchange, source: key) }
            let modeText = try string(fields, "mode", in: key) ?? TradingMode.sim.rawValue
            guard let mode = TradingMode(rawValue: modeText) else { throw .unknownMode(modeText, source: key) }
            served.append(.init(name: name, venue: venue, mode: mode))
        }
        if let first, let index = served.firstIndex(where: { $0.name == first }) { served.insert(served.remove(at: index), at: 0) }
        return served
    }

    /// `withdrawals`: off unless `enabled: true`; every `allow` entry names asset, address and network.
    private static func withdrawals(_ section: [String: Any]) throws(ConfigurationError) -> WithdrawalPolicy {
        var policy = WithdrawalPolicy()
        if let enabled = section["enabled"], !(enabled is NSNull) {
            guard let flag = enabled as? Bool else { throw .invalidValue(key: "withdrawals.enabled", reason: "must be true or false") }
            policy.enabled = flag
        }
        if let seconds = section["fresh_login_seconds"], !(seconds is NSNull) {
            guard let value = seconds as? Int, (30...3600).contains(value) else {
                throw .invalidValue(key: "withdrawals.fresh_login_seconds", reason: "must be a whole number of seconds from 30 to 3600")
            }
            policy.freshLoginSeconds = Int64(value)
        }
        guard let list = section["allow"], !(list is NSNull) else { return policy }
        guard let entries = list as? [Any] else { throw .invalidValue(key: "withdrawals.allow", reason: "must be a list of {asset, address, network}") }
        for (index, entry) in entries.enumerated() {
            let key = "withdrawals.allow[\(index)]"
            guard let fields = entry as? [String: Any] else { throw .invalidValue(key: key, reason: "must be a mapping {asset, address, network}") }
            for field in fields.keys where !["asset", "address", "network"].contains(field) {
                throw .invalidValue(key: "\(key).\(field)", reason: "unknown key (asset, address and network are known)")
            }
            guard let asset = try string(fields, "asset", in: key), let address = try string(fields, "address", in: key),
                  let network = try string(fields, "network", in: key)
            else { throw .invalidValue(key: key, reason: "asset, address and network are all required") }
            policy.allowed.append(.init(asset: asset, address: address, network: network))
        }
        return policy
    }

    /// The mode's exchange key pair. Production and testnet need one; the simulator takes the
    /// pair it printed (from the file's `sim` section or the environment) and runs the web
    /// without one. Half a pair is always refused.
    private static func apiKey(_ section: [String: Any], mode: TradingMode, _ environment: [String: String]) throws(ConfigurationError) -> APIKey? {
        let upper = mode.rawValue.uppercased()
        let keyVariable = "ALPHAENGINE_\(upper)_API_KEY", secretVariable = "ALPHAENGINE_\(upper)_API_SECRET"
        let fileKey = try string(section, "api_key", in: mode.rawValue)
        let fileSecret = try string(section, "api_secret", in: mode.rawValue)
        let key = nonEmpty(environment[keyVariable]) ?? fileKey
        let secret = nonEmpty(environment[secretVariable]) ?? fileSecret
        switch (key, secret) {
        case (let key?, let secret?): return APIKey(key: key, secret: secret)
        case (nil, nil) where mode == .sim: return nil
        case (nil, _): throw .missingCredential(key: "\(mode.rawValue).api_key", environmentVariable: keyVariable, mode: mode)
        case (_, nil): throw .missingCredential(key: "\(mode.rawValue).api_secret", environmentVariable: secretVariable, mode: mode)
        }
    }

    /// `web.cors_origins`: a list of origins, each scheme and host (and port), nothing more.
    private static func origins(_ value: Any?) throws(ConfigurationError) -> [String] {
        guard let value, !(value is NSNull) else { return [] }
        guard let list = value as? [Any] else { throw .invalidEndpoint(key: "web.cors_origins", reason: "must be a list of origins") }
        return try list.map { (item) throws(ConfigurationError) -> String in
            guard let origin = item as? String else { throw .invalidEndpoint(key: "web.cors_origins", reason: originRule) }
            try checkOrigin(origin, key: "web.cors_origins")
            return origin
        }
    }

    private static func checkOrigin(_ origin: String, key: String) throws(ConfigurationError) {
        guard let components = URLComponents(string: origin), ["http", "https"].contains(components.scheme ?? ""),
              components.host?.isEmpty == false, components.path.isEmpty, components.query == nil, components.fragment == nil,
              components.user == nil
        else {
            throw .invalidEndpoint(key: key, reason: originRule)
        }
    }

    private static let originRule = "each entry must be an origin such as https://dash.example.com (no path)"

    private static let knownKeys: Set<String> = ["exchange", "mode", "data_dir", "storage", "account", "accounts", "production", "testnet", "sim", "web", "withdrawals", "notifications"]
    private static let knownSectionKeys: [String: Set<String>] = [
        "production": ["api_key", "api_secret", "rest_url", "ws_url"],
        "testnet": ["api_key", "api_secret", "rest_url", "ws_url"],
        "sim": ["api_key", "api_secret", "rest_url", "ws_url"],
        "web": ["secret_key", "cors_origins"],
        "withdrawals": ["enabled", "fresh_login_seconds", "allow"],
        "notifications": ["slack", "telegram", "per_minute", "quiet_seconds"],
    ]

    private static func readFile(_ path: String) throws(ConfigurationError) -> [String: Any] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { throw .missingFile(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        // Secrets must be readable by the owner alone (0600 or 0400).
        if info.st_mode & 0o077 != 0 {
            throw .tooOpen(path: path, permissions: String(info.st_mode & 0o777, radix: 8))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: access(path, R_OK) != 0 ? String(cString: strerror(errno)) : "read failed")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw .unreadable(path: path, reason: "not UTF-8 text") }
        let document: Any?
        do {
            document = try SecretSafeYAML.load(text)
        } catch {
            throw .invalidYAML(path: path, line: error.line, column: error.column)
        }
        guard let document else { return [:] }
        guard let root = document as? [String: Any] else { throw .notAMapping(path: path) }
        for key in root.keys where !knownKeys.contains(key) { throw .unknownKey(path: path, key: key) }
        for (name, allowed) in knownSectionKeys {
            guard let section = root[name] else { continue }
            guard let fields = section as? [String: Any] else { throw .notAString(key: "\(name) (a mapping)") }
            for key in fields.keys where !allowed.contains(key) { throw .unknownKey(path: path, key: "\(name).\(key)") }
        }
        return root
    }

    static func mapping(_ root: [String: Any], _ key: String) throws(ConfigurationError) -> [String: Any] {
        root[key] as? [String: Any] ?? [:]
    }

    static func string(_ map: [String: Any], _ key: String, in section: String?) throws(ConfigurationError) -> String? {
        guard let value = map[key], !(value is NSNull) else { return nil }
        guard let text = value as? String else { throw .notAString(key: section.map { "\($0).\(key)" } ?? key) }
        return nonEmpty(text)
    }

    private static func validate(_ url: String, key: String, schemes: [String]) throws(ConfigurationError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme, components.host != nil else {
            throw .invalidEndpoint(key: key, reason: "not a URL")
        }
        guard schemes.contains(scheme) else {
            throw .invalidEndpoint(key: key, reason: "scheme must be \(schemes.joined(separator: " or "))")
        }
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }
}
