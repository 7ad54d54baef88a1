/// Which account of which exchange a fact or command belongs to.
public struct Scope: Sendable, Hashable {
    public var exchange: String
    public var venue: String
    public var accountID: String
    public var symbol: String?
    public var mode: TradingMode

    public init(exchange: String, venue: String, accountID: String, symbol: String? = nil, mode: TradingMode) {
        self.exchange = exchange
        self.venue = venue
        self.accountID = accountID
        self.symbol = symbol
        self.mode = mode
    }

    /// The scope of an account on `venue`, named as the venue names itself in stored rows.
    public init(on venue: VenueCapabilities, accountID: String = "main", symbol: String? = nil, mode: TradingMode) {
        self.init(exchange: venue.scopeExchange, venue: venue.scopeVenue, accountID: accountID, symbol: symbol, mode: mode)
    }

    public func with(symbol: String?) -> Scope {
        var copy = self
        copy.symbol = symbol
        return copy
    }
}

/// Which exchange environment the engine trades: real money, Binance's testnet, or the simulator.
public enum TradingMode: String, Sendable, CaseIterable, Codable {
    case production, testnet, sim
}

/// Who issued a command.
public struct Actor: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable { case user = "USER", strategy = "STRATEGY", system = "SYSTEM" }
    public var kind: Kind
    /// For example `web:admin`, `strategy:sma_cross`, `system:reconciler`.
    public var id: String

    public init(kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }
}
