import AlphaCore

/// Why the configuration could not be assembled. Messages name files, keys and environment
/// variables — never a value, since a value may be a secret.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    case missingFile(path: String)
    case unreadable(path: String, reason: String)
    case tooOpen(path: String, permissions: String)
    case invalidYAML(path: String, line: Int?, column: Int?)
    case notAMapping(path: String)
    case unknownKey(path: String, key: String)
    case unknownMode(String, source: String)
    case unknownExchange(String, source: String)
    case noTestnet(exchange: String)
    case notAString(key: String)
    case missingCredential(key: String, environmentVariable: String, mode: TradingMode)
    case webSecretTooShort(key: String, bytes: Int)
    case invalidEndpoint(key: String, reason: String)
    case invalidValue(key: String, reason: String)

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
        case .unknownExchange(let name, let source):
            "exchange '\(name)' from \(source) is not one of \(VenueCapabilities.all.map(\.configurationName).joined(separator: ", "))"
        case .noTestnet(let exchange):
            "\(exchange) has no testnet; use mode sim (its simulator, `alphaengine sim --venue \(exchange)`) or production"
        case .notAString(let key): "\(key) must be a string"
        case .missingCredential(let key, let variable, let mode):
            "mode \(mode.rawValue) needs \(key) in secrets.yaml or the environment variable \(variable)"
        case .webSecretTooShort(let key, let bytes):
            "\(key) is \(bytes) bytes; it must be at least \(Credentials.minimumWebSecretBytes) (try: openssl rand -hex 32)"
        case .invalidEndpoint(let key, let reason): "\(key): \(reason)"
        case .invalidValue(let key, let reason): "\(key): \(reason)"
        }
    }
}
