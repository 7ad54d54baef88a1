/// What one venue can do and how far it may be asked, so that the bot and the web take their
/// rules and limits from one place instead of spelling a venue's numbers in their own code.
public struct VenueCapabilities: Sendable, Equatable {
    public enum Market: String, Sendable {
        /// Perpetual futures: positions, leverage, funding.
        case futures
        /// Spot: holdings only.
        case spot
    }

    /// How the venue names its order and trade ids.
    public enum IDKind: String, Sendable {
        case numeric
        case uuid
    }

    public var name: String
    /// How scopes name this venue in stored events and commands ("BINANCE", "USDM").
    public var scopeExchange: String
    public var scopeVenue: String
    public var market: Market
    /// The leverage the venue accepts; nil where there is none (spot).
    public var leverage: ClosedRange<Int64>?
    public var hasFunding: Bool
    /// Whether an account can hold a long and a short at once (AlphaEngine trades one-way).
    public var hasHedgeMode: Bool
    /// The most rows one page of fills or funding returns.
    public var historyPageLimit: Int
    /// The widest time window one request for fills may span; nil when unbounded.
    public var tradeWindowMilliseconds: Int64?
    /// How far back the income (funding) history reaches.
    public var fundingHistoryMilliseconds: Int64
    public var idKind: IDKind
    public var symbols: SymbolFormat
    /// Time-in-force values the venue accepts for limit orders.
    public var timeInForce: Set<String>
    /// The asset money is counted in: the wallet, equity, PnL and the daily loss limit.
    public var quoteAsset: String
    /// The symbol a new installation trades.
    public var defaultSymbol: String
    /// Whether the venue holds stop and take-profit orders itself; where it does not (Upbit), the
    /// bot watches the price and sends the market order when a stop is reached.
    public var hasStopOrders: Bool
    /// The time zone the venue's traders count days in, for showing times (stored times stay UTC).
    public var displayTimeZone: String

    public init(name: String, scopeExchange: String, scopeVenue: String, market: Market, leverage: ClosedRange<Int64>?, hasFunding: Bool, hasHedgeMode: Bool,
                historyPageLimit: Int, tradeWindowMilliseconds: Int64?, fundingHistoryMilliseconds: Int64, idKind: IDKind,
                symbols: SymbolFormat, timeInForce: Set<String>, quoteAsset: String, defaultSymbol: String, hasStopOrders: Bool,
                displayTimeZone: String) {
        self.name = name
        self.scopeExchange = scopeExchange
        self.scopeVenue = scopeVenue
        self.market = market
        self.leverage = leverage
        self.hasFunding = hasFunding
        self.hasHedgeMode = hasHedgeMode
        self.historyPageLimit = historyPageLimit
        self.tradeWindowMilliseconds = tradeWindowMilliseconds
        self.fundingHistoryMilliseconds = fundingHistoryMilliseconds
        self.idKind = idKind
        self.symbols = symbols
        self.timeInForce = timeInForce
        self.quoteAsset = quoteAsset
        self.defaultSymbol = defaultSymbol
        self.hasStopOrders = hasStopOrders
        self.displayTimeZone = displayTimeZone
    }
}

/// How a venue spells its symbols: `BTCUSDT` on Binance, `KRW-BTC` on Upbit — a fixed prefix (none
/// on Binance, the market's "KRW-" on Upbit) and then upper-case letters and digits.
public struct SymbolFormat: Sendable, Equatable {
    /// For people and error messages, e.g. "1 to 20 upper-case letters or digits, such as BTCUSDT".
    public var description: String
    /// The most characters a symbol has, its prefix included.
    public var maximumLength: Int
    /// What every symbol starts with ("KRW-" on Upbit's KRW market), if anything.
    public var prefix: String

    public init(description: String, maximumLength: Int, prefix: String = "") {
        self.description = description
        self.maximumLength = maximumLength
        self.prefix = prefix
    }

    /// Read as bytes: every allowed character is ASCII, and a command checks its symbol each time.
    public func isValid(_ symbol: String) -> Bool {
        let bytes = symbol.utf8
        guard bytes.count <= maximumLength, bytes.count > prefix.utf8.count, bytes.starts(with: prefix.utf8) else { return false }
        return bytes.dropFirst(prefix.utf8.count).allSatisfy {
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
        }
    }

    /// Whether some venue the engine trades spells a symbol so: what a query's symbol filter takes
    /// (another venue's symbol simply matches nothing here, as an unknown one does).
    public static func isAnyVenueSymbol(_ symbol: String) -> Bool { VenueCapabilities.all.contains { $0.symbols.isValid(symbol) } }
}

extension VenueCapabilities {
    /// The venues the engine trades, by the name configuration gives them (`exchange: upbit`).
    public static let all: [VenueCapabilities] = [.binanceUSDM, .upbitKRW]

    /// The name configuration and the command line use: `binance`, `upbit`.
    public var configurationName: String { scopeExchange.lowercased() }

    public static func named(_ name: String) -> VenueCapabilities? { all.first { $0.configurationName == name } }
}

extension VenueCapabilities {
    /// Binance USDⓈ-M Futures (reference: 1000 rows a page, fills in windows of at most 7 days,
    /// three months of income history, leverage 1–125).
    public static let binanceUSDM = VenueCapabilities(
        name: "Binance USDⓈ-M Futures", scopeExchange: "BINANCE", scopeVenue: "USDM", market: .futures, leverage: 1...125, hasFunding: true, hasHedgeMode: true,
        historyPageLimit: 1000, tradeWindowMilliseconds: 7 * 24 * 3_600_000, fundingHistoryMilliseconds: 90 * 24 * 3_600_000,
        idKind: .numeric, symbols: SymbolFormat(description: "1 to 20 upper-case letters or digits, such as BTCUSDT", maximumLength: 20),
        timeInForce: ["GTC", "IOC", "FOK", "GTX"], quoteAsset: "USDT", defaultSymbol: "BTCUSDT", hasStopOrders: true, displayTimeZone: "UTC")
}

extension VenueCapabilities {
    /// Upbit KRW spot (issue 18): holdings only (no leverage, funding or hedge mode), UUID order
    /// ids, markets spelled `KRW-BTC`, and `ioc`/`fok` besides resting (GTC: Upbit's default, sent as no `time_in_force`);
    /// money in KRW, no stop orders, days counted in KST.
    public static let upbitKRW = VenueCapabilities(
        name: "Upbit KRW", scopeExchange: "UPBIT", scopeVenue: "KRW", market: .spot, leverage: nil, hasFunding: false, hasHedgeMode: false,
        historyPageLimit: 100, tradeWindowMilliseconds: 7 * 24 * 3_600_000, fundingHistoryMilliseconds: 0,
        idKind: .uuid, symbols: SymbolFormat(description: "a market such as KRW-BTC", maximumLength: 20, prefix: "KRW-"),
        timeInForce: ["GTC", "IOC", "FOK"], quoteAsset: "KRW", defaultSymbol: "KRW-BTC", hasStopOrders: false, displayTimeZone: "Asia/Seoul")
}
