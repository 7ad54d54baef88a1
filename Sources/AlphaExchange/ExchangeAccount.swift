import AlphaCore

/// What the bot needs from one exchange account, in AlphaEngine's terms: requests go in as
/// domain values, facts come back as the events they become (with the dedup keys the stream's
/// copies share). The bot knows nothing else of the exchange — no paths, parameter names or
/// JSON shapes. `BinanceAccount` is the Binance USDⓈ-M implementation; `ExchangeVenue` bundles it
/// with its stream, capabilities and pacer.
///
/// Every method throws `ExchangeError`, classified for order safety, or a `PayloadError` when
/// an answer cannot be read.
public protocol ExchangeAccount: AnyObject {
    /// Measures the offset to the exchange's clock (signed requests carry its time).
    func syncClock() throws
    /// Whether the account holds positions per side (hedge mode); AlphaEngine trades one-way.
    func isHedgeMode() throws -> Bool

    /// Places an order under our client id; returns the order's event as the exchange answered.
    func place(_ order: OrderRequest, clientOrderID: String) throws -> Event
    /// The order's current state; `ExchangeError.isNotFound` when the exchange does not know it.
    func order(symbol: String, clientOrderID: String, type: OrderType?) throws -> Event
    /// Cancels one order; returns its state after the cancel.
    func cancel(symbol: String, clientOrderID: String, type: OrderType?) throws -> Event
    /// Cancels every open order of the symbol, conditional ones included.
    func cancelAll(symbol: String) throws
    /// The symbol's open orders, conditional ones included.
    func openOrders(symbol: String) throws -> [Event]
    /// Position snapshots (one per symbol; all symbols when nil).
    func positions(symbol: String?) throws -> [PositionPayload]
    func balances() throws -> [BalancePayload]
    /// Sets the symbol's leverage; returns what the exchange confirmed.
    func setLeverage(symbol: String, leverage: Int64) throws -> Int64?

    /// One page of the account's fills: from `fromID` on, or within `[start, end]`.
    func trades(symbol: String, start: Int64?, end: Int64?, fromID: Int64?, limit: Int,
                clientOrderIDs: [Int64: String]) throws -> ExchangePage
    /// One page of funding payments from `start` (inclusive), oldest first.
    func funding(start: Int64, limit: Int) throws -> ExchangePage
}

/// A page of history: its events, how many rows the exchange returned, and where the last row
/// was, so the caller can ask for the next page.
public struct ExchangePage: Sendable {
    public var events: [Event]
    public var rows: Int
    public var lastID: Int64?
    public var lastTime: Int64?

    public init(events: [Event], rows: Int, lastID: Int64?, lastTime: Int64?) {
        self.events = events
        self.rows = rows
        self.lastID = lastID
        self.lastTime = lastTime
    }
}
