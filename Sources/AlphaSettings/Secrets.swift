import AlphaCore

/// What `secrets.yaml` (and the environment) provide: the trading mode, exchange credentials,
/// the web's token-signing key and the endpoints. Its description never shows a secret.
public struct Secrets: Sendable, CustomStringConvertible {
    public let mode: TradingMode
    /// Exchange API key and secret; nil in `sim`, which needs none.
    public let apiKey: String?
    public let apiSecret: String?
    /// The HS256 key for the web's tokens, at least 32 bytes; optional only in `sim`.
    public let webSecretKey: String?
    public let endpoints: Endpoints
    /// Origins (`https://dash.example.com`) allowed to call the web API from a browser
    /// (`web.cors_origins`); none by default, which keeps CORS off.
    public internal(set) var webCORSOrigins: [String] = []

    public static let minimumWebSecretBytes = 32

    public var description: String {
        "Secrets(mode: \(mode.rawValue), apiKey: \(apiKey == nil ? "none" : "set"), "
            + "apiSecret: \(apiSecret == nil ? "none" : "set"), webSecretKey: \(webSecretKey == nil ? "none" : "set"), "
            + "rest: \(endpoints.rest), ws: \(endpoints.webSocket))"
    }
}

/// Why secrets could not be loaded. Messages name files, keys and environment variables —
/// never a value, since a value may be a secret.
public enum SecretsError: Error, Equatable, CustomStringConvertible {
    case missingFile(path: String)
    case unreadable(path: String, reason: String)
    case tooOpen(path: String, permissions: String)
    case invalidYAML(path: String, line: Int?, column: Int?)
    case notAMapping(path: String)
    case unknownKey(path: String, key: String)
    case unknownMode(String, source: String)
    case notAString(key: String)
    case missingCredential(key: String, environmentVariable: String, mode: TradingMode)
    case webSecretTooShort(key: String, bytes: Int)
    case invalidEndpoint(key: String, reason: String)

    public var description: String {
        switch self {
        case .missingFile(let path):
            "\(path) does not exist. Copy config/secrets.example.yaml there and fill it in (chmod 600), or run with mode sim."
        case .unreadable(let path, let reason): "\(path) cannot be read: \(reason)"
        case .tooOpen(let path, let permissions):
            "\(path) is readable by others (permissions \(permissions)); it holds secrets. Run: chmod 600 \(path)"
        case .invalidYAML(let path, let line, let column):
            "\(path) is not valid YAML" + (line.map { " (line \($0)" + (column.map { ", column \($0))" } ?? ")") } ?? "")
        case .notAMapping(let path): "\(path) must be a YAML mapping with keys such as mode, testnet, web"
        case .unknownKey(let path, let key): "\(path): unknown key '\(key)' (is it misspelt?)"
        case .unknownMode(let mode, let source):
            "mode '\(mode)' from \(source) is not one of production, testnet, sim"
        case .notAString(let key): "\(key) must be a string"
        case .missingCredential(let key, let variable, let mode):
            "mode \(mode.rawValue) needs \(key) in secrets.yaml or the environment variable \(variable)"
        case .webSecretTooShort(let key, let bytes):
            "\(key) is \(bytes) bytes; it must be at least \(Secrets.minimumWebSecretBytes) (try: openssl rand -hex 32)"
        case .invalidEndpoint(let key, let reason): "\(key): \(reason)"
        }
    }
}
