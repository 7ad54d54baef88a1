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

    /// One page of the account's fills, oldest first: the first page within `[start, end]` (ms;
    /// both nil: from the account's first fill), or, with `after`, the page that follows the one
    /// whose `next` it is. `clientOrderIDs` maps the exchange's order ids to ours, to label fills.
    func trades(symbol: String, start: Int64?, end: Int64?, after: String?, limit: Int,
                clientOrderIDs: [String: String]) throws -> ExchangePage
    /// One page of funding payments from `start` (inclusive), oldest first; paged by time.
    func funding(start: Int64, limit: Int) throws -> ExchangePage
}

/// A page of history: its events, how many rows the exchange returned, where the next page
/// starts and the time of the last row, so the caller can ask for the next page.
public struct ExchangePage: Sendable {
    public var events: [Event]
    public var rows: Int
    /// Where the page after this one starts, in the venue's own terms (Binance: the id after the
    /// last row); opaque to the caller, which passes it back as `after`. Nil: no cursor.
    public var next: String?
    public var lastTime: Int64?

    public init(events: [Event], rows: Int, next: String?, lastTime: Int64?) {
        self.events = events
        self.rows = rows
        self.next = next
        self.lastTime = lastTime
    }
}
