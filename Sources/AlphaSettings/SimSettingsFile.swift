import AlphaCore
import Foundation

/// The simulator's own configuration file (`alphaengine sim --config FILE`), YAML:
///
///     api_key: "…"          # optional; random when absent
///     api_secret: "…"
///     control_token: "…"
///     balance: "10000"      # USDT; decimals quoted, so nothing passes through a float
///     liquidity: "0.5"      # per price level; absent: unlimited
///     seed: 7
///     speed: 60
///     volatility: 0.8
///     history_days: 14      # one-minute candles made before the start, so strategies warm up at once
///     prices: { BTCUSDT: "50000", ETHUSDT: "3000" }
///
/// Misspelt keys are refused. The file holds an API secret, so like `secrets.yaml` it must be
/// readable by its owner alone.
public struct SimSettingsFile: Sendable, Equatable {
    public var apiKey: String?
    public var apiSecret: String?
    public var controlToken: String?
    public var balance: Amount?
    public var liquidity: Amount?
    public var seed: UInt64?
    public var speed: Double?
    public var volatility: Double?
    public var historyDays: Int?
    public var prices: [String: Amount] = [:]

    public init() {}

    static let knownKeys: Set<String> = ["api_key", "api_secret", "control_token", "balance", "liquidity", "seed", "speed",
                                         "volatility", "history_days", "prices"]

    public struct Failure: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    public static func load(path: String) throws(Failure) -> SimSettingsFile {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Failure(description: "\(path): \(String(cString: strerror(errno)))") }
        if info.st_mode & 0o077 != 0 {
            throw Failure(description: "\(path) is readable by others (mode \(String(info.st_mode & 0o777, radix: 8))); run chmod 600 \(path)")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw Failure(description: "\(path): cannot read it as UTF-8 text")
        }
        return try parse(text, source: path)
    }

    public static func parse(_ text: String, source: String) throws(Failure) -> SimSettingsFile {
        let document: Any?
        do {
            document = try SecretSafeYAML.load(text)
        } catch {
            let position = error.line.map { line in " at line \(line)" + (error.column.map { ", column \($0)" } ?? "") } ?? ""
            throw Failure(description: "\(source): invalid YAML\(position)")
        }
        guard let document else { return SimSettingsFile() }
        guard let root = document as? [String: Any] else { throw Failure(description: "\(source): expected a mapping of settings") }
        for key in root.keys.sorted() where !knownKeys.contains(key) {
            throw Failure(description: "\(source): unknown key \(key) (known: \(knownKeys.sorted().joined(separator: ", ")))")
        }
        var settings = SimSettingsFile()
        settings.apiKey = try string(root, "api_key", source)
        settings.apiSecret = try string(root, "api_secret", source)
        settings.controlToken = try string(root, "control_token", source)
        if (settings.apiKey == nil) != (settings.apiSecret == nil) {
            throw Failure(description: "\(source): give both api_key and api_secret, or neither")
        }
        settings.balance = try amount(root["balance"], key: "balance", source)
        settings.liquidity = try amount(root["liquidity"], key: "liquidity", source)
        if let seed = root["seed"] {
            guard let value = seed as? Int, value >= 0 else { throw Failure(description: "\(source): seed must be a whole number ≥ 0") }
            settings.seed = UInt64(value)
        }
        settings.speed = try number(root["speed"], key: "speed", source)
        settings.volatility = try number(root["volatility"], key: "volatility", source)
        if let days = root["history_days"] {
            guard let value = days as? Int, (0...25).contains(value) else {
                throw Failure(description: "\(source): history_days must be a whole number of days from 0 to 25")
            }
            settings.historyDays = value
        }
        if let prices = root["prices"] {
            guard let mapping = prices as? [String: Any] else { throw Failure(description: "\(source): prices must map symbols to prices") }
            for (symbol, value) in mapping {
                guard let price = try amount(value, key: "prices.\(symbol)", source), !price.isZero else {
                    throw Failure(description: "\(source): prices.\(symbol) must be a positive decimal")
                }
                settings.prices[symbol] = price
            }
        }
        return settings
    }

    private static func string(_ root: [String: Any], _ key: String, _ source: String) throws(Failure) -> String? {
        guard let value = root[key] else { return nil }
        guard let text = value as? String, !text.isEmpty else { throw Failure(description: "\(source): \(key) must be a non-empty string") }
        return text
    }

    /// Decimals must be quoted strings or whole numbers: an unquoted 0.1 is a float in YAML.
    private static func amount(_ value: Any?, key: String, _ source: String) throws(Failure) -> Amount? {
        guard let value else { return nil }
        let parsed: Amount? = if let text = value as? String { Amount(text) } else if let whole = value as? Int { Amount(whole) } else { nil }
        guard let parsed, !parsed.isNegative else {
            throw Failure(description: "\(source): \(key) must be a decimal in quotes, such as \"0.5\" (an unquoted decimal is a float)")
        }
        return parsed
    }

    private static func number(_ value: Any?, key: String, _ source: String) throws(Failure) -> Double? {
        guard let value else { return nil }
        if let whole = value as? Int { return Double(whole) }
        guard let real = value as? Double, real >= 0 else { throw Failure(description: "\(source): \(key) must be a number ≥ 0") }
        return real
    }
}
