/// The runtime configuration kept in `config_store` under the key `runtime` (seed guide §4.4):
/// what to trade, which strategy with which parameters, risk limits, polling and logging.
///
/// Risk limits are fractions of equity as decimal strings ("0.02" = 2 %), never floating point.
public struct RuntimeConfig: Sendable, Equatable {
    /// The one default symbol: the bot follows it, the dashboard and candles describe it.
    public static let defaultSymbol = "BTCUSDT"
    public var symbol: String = RuntimeConfig.defaultSymbol
    public var accountID: String = "main"
    /// `none` until the owner picks one: a new installation trades nothing by itself.
    public var strategyName: String = RuntimeConfig.noStrategy
    public var strategyTimeframe: String = "5m"
    public var strategyParams: JSONObject = [:]
    public static let noStrategy = "none"
    public var maxRiskPerTrade: Amount = Amount("0.02")!
    public var dailyLossLimit: Amount = Amount("0.05")!
    /// The largest position (notional at the price, over equity) the strategy may build.
    public var maxLeverage: Int64 = 5
    /// The largest position in the base asset (BTC for BTCUSDT); nil for no limit beyond leverage.
    public var maxPosition: Amount?
    /// New orders per rolling minute, the strategy's and (when guarded) the users'.
    public var maxOrdersPerMinute: Int64 = 20
    /// Symbols orders may be placed on besides `symbol` (which always may).
    public var allowedSymbols: [String] = []
    /// Whether users' orders pass the risk guard too (engine state always applies to them).
    public var guardManualOrders = false
    public var pollIntervalSeconds: Int64 = 30
    public var logLevel: String = "info"

    public init() {}

    /// The defaults on `venue`: its symbol.
    public init(venue: VenueCapabilities) {
        symbol = venue.defaultSymbol
    }

    /// The intervals a strategy can run on: Binance's fixed-length ones (not the month, "1M").
    public static let timeframes: Set<String> = Set(Timeframe.all.map(\.name))
    public static let logLevels: Set<String> = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
    public static let pollIntervalRange: ClosedRange<Int64> = 5...3600
    public static let ordersPerMinuteRange: ClosedRange<Int64> = 1...1200
    public static let leverageRange: ClosedRange<Int64> = 1...125

    private var riskJSON: JSONObject {
        var risk: JSONObject = [
            "max_risk_per_trade": .amount(maxRiskPerTrade), "daily_loss_limit": .amount(dailyLossLimit),
            "max_leverage": .int(maxLeverage), "max_orders_per_minute": .int(maxOrdersPerMinute),
            "allowed_symbols": .array(allowedSymbols.map { .string($0) }), "guard_manual_orders": .bool(guardManualOrders),
        ]
        if let maxPosition { risk["max_position"] = .amount(maxPosition) }
        return risk
    }

    /// The symbols orders may be placed on.
    public var tradableSymbols: Set<String> { Set([symbol] + allowedSymbols) }

    /// The stored JSON shape.
    public var json: JSONObject {
        [
            "trading": .object(["symbol": .string(symbol), "account_id": .string(accountID)]),
            "strategy": .object([
                "name": .string(strategyName), "timeframe": .string(strategyTimeframe),
                "params": .object(strategyParams),
            ]),
            "risk": .object(riskJSON),
            "engine": .object(["poll_interval_sec": .int(pollIntervalSeconds)]),
            "logging": .object(["level": .string(logLevel)]),
        ]
    }
}

/// One thing wrong with a proposed configuration, named by its path ("risk.daily_loss_limit").
public struct ConfigFieldError: Error, Equatable, Sendable, CustomStringConvertible {
    public let field: String
    public let message: String
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
    public var description: String { "\(field): \(message)" }
}

extension RuntimeConfig {
    /// Reads and validates a full configuration document. Returns every problem at once, so a
    /// user fixing a form sees all the fields that need fixing, not one per attempt.
    /// `venue` says which symbols exist (Binance's by default; the web and the bot pass theirs).
    public init(json: JSONObject, venue: VenueCapabilities = .binanceUSDM) throws(ConfigValidationError) {
        var errors: [ConfigFieldError] = []
        var config = RuntimeConfig(venue: venue)
        let sections: [String: Set<String>] = [
            "trading": ["symbol", "account_id"], "strategy": ["name", "timeframe", "params"],
            "risk": ["max_risk_per_trade", "daily_loss_limit", "max_leverage", "max_position", "max_orders_per_minute",
                     "allowed_symbols", "guard_manual_orders"],
            "engine": ["poll_interval_sec"],
            "logging": ["level"],
        ]
        func fail(_ field: String, _ message: String) { errors.append(ConfigFieldError(field: field, message: message)) }

        for key in json.keys where sections[key] == nil { fail(key, "unknown section") }
        func section(_ name: String) -> JSONObject? {
            guard let value = json[name] else { fail(name, "is missing"); return nil }
            guard case .object(let object) = value else { fail(name, "must be an object"); return nil }
            for key in object.keys where !(sections[name]!.contains(key)) { fail("\(name).\(key)", "unknown field") }
            return object
        }
        func string(_ object: JSONObject, _ section: String, _ key: String) -> String? {
            guard let value = object[key] else { fail("\(section).\(key)", "is missing"); return nil }
            guard case .string(let text) = value else { fail("\(section).\(key)", "must be a string"); return nil }
            return text
        }

        if let trading = section("trading") {
            if let symbol = string(trading, "trading", "symbol") {
                if !venue.symbols.isValid(symbol) {
                    fail("trading.symbol", "must be \(venue.symbols.description)")
                } else { config.symbol = symbol }
            }
            if let account = string(trading, "trading", "account_id") {
                if account.isEmpty { fail("trading.account_id", "must not be empty") } else { config.accountID = account }
            }
        }
        if let strategy = section("strategy") {
            if let name = string(strategy, "strategy", "name") {
                if name.isEmpty { fail("strategy.name", "must not be empty") } else { config.strategyName = name }
            }
            if let timeframe = string(strategy, "strategy", "timeframe") {
                if Self.timeframes.contains(timeframe) { config.strategyTimeframe = timeframe } else {
                    fail("strategy.timeframe", "must be a fixed-length Binance interval such as 1m, 5m, 1h or 1d (not 1M)")
                }
            }
            switch strategy["params"] {
            case .object(let params)?: config.strategyParams = params
            case nil: fail("strategy.params", "is missing")
            default: fail("strategy.params", "must be an object")
            }
        }
        if let risk = section("risk") {
            // A decimal string, or a JSON number read exactly from its text (the seeds write 0.02).
            func decimal(_ key: String, required: Bool, numbers: Bool = true, range: String, _ valid: (Amount) -> Bool) -> Amount? {
                let text: String
                var isNumber = false
                switch risk[key] {
                case .string(let value)?: text = value
                case .number(let value)? where numbers: text = value; isNumber = true
                case nil:
                    if required { fail("risk.\(key)", "is missing") }
                    return nil
                default: fail("risk.\(key)", "must be a decimal string such as \"0.02\" or a number"); return nil
                }
                let parsed = isNumber ? Amount(jsonNumber: text) : Amount(text)
                guard text.utf8.count <= 40, !text.hasPrefix("+"), let value = parsed, valid(value) else {
                    fail("risk.\(key)", "must be a decimal string \(range)")
                    return nil
                }
                return value
            }
            let fraction = "greater than 0 and at most 1, such as \"0.02\""
            if let value = decimal("max_risk_per_trade", required: true, range: fraction, { $0 > .zero && $0 <= 1 }) { config.maxRiskPerTrade = value }
            if let value = decimal("daily_loss_limit", required: true, range: fraction, { $0 > .zero && $0 <= 1 }) { config.dailyLossLimit = value }
            config.maxPosition = decimal("max_position", required: false, numbers: false, range: "greater than 0, such as \"0.5\"",
                                         { $0 > .zero })
            func whole(_ key: String, _ range: ClosedRange<Int64>) -> Int64? {
                switch risk[key] {
                case nil: return nil
                case .number(let text)? where JSONObject.integer(fromNumber: text).map(range.contains) == true:
                    return JSONObject.integer(fromNumber: text)
                default:
                    fail("risk.\(key)", "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                    return nil
                }
            }
            if let leverage = whole("max_leverage", Self.leverageRange) { config.maxLeverage = leverage }
            if let orders = whole("max_orders_per_minute", Self.ordersPerMinuteRange) { config.maxOrdersPerMinute = orders }
            switch risk["allowed_symbols"] {
            case nil: break
            case .array(let list)?:
                var symbols: [String] = []
                for (index, item) in list.enumerated() {
                    if case .string(let symbol) = item, venue.symbols.isValid(symbol) { symbols.append(symbol) } else {
                        fail("risk.allowed_symbols[\(index)]", "must be \(venue.symbols.description)")
                    }
                }
                config.allowedSymbols = symbols
            default: fail("risk.allowed_symbols", "must be a list of symbols")
            }
            switch risk["guard_manual_orders"] {
            case nil: break
            case .bool(let value)?: config.guardManualOrders = value
            default: fail("risk.guard_manual_orders", "must be true or false")
            }
        }
        if let engine = section("engine") {
            if case .number(let text)? = engine["poll_interval_sec"], let seconds = JSONObject.integer(fromNumber: text),
               Self.pollIntervalRange.contains(seconds) {
                config.pollIntervalSeconds = seconds
            } else {
                fail("engine.poll_interval_sec", "must be a whole number of seconds from 5 to 3600")
            }
        }
        if let logging = section("logging"), let level = string(logging, "logging", "level") {
            // Level names in any case, with the common aliases: "INFO", "Warn", "fatal".
            let name = ["warn": "warning", "fatal": "critical"][level.lowercased()] ?? level.lowercased()
            if Self.logLevels.contains(name) { config.logLevel = name } else {
                fail("logging.level", "must be one of \(Self.logLevels.sorted().joined(separator: ", "))")
            }
        }
        guard errors.isEmpty else { throw ConfigValidationError(errors: errors) }
        self = config
    }
}

/// Every field that failed validation.
public struct ConfigValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let errors: [ConfigFieldError]
    public init(errors: [ConfigFieldError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "; ") }
}
