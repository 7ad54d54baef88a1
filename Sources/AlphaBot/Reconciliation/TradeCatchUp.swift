import AlphaCore
import AlphaExchange
import AlphaJSON
import AlphaStore

/// The REST half of fill ingestion: fetches `userTrades` from a time watermark and stores every
/// fill and fee it has not seen (copies collide on their dedup keys). With the stream down for
/// any length of time, this alone converges (DESIGN §5; the reconciler runs it).
///
/// The watermark is a time, not "the newest stored trade id": the stream may have stored a later
/// fill while an earlier one was lost, and starting after the newest id would skip the lost one
/// for ever (the chaos test caught exactly that).
public final class TradeCatchUp {
    private let account: any ExchangeAccount
    private let writer: any EventJournal
    private let clock: any Clock
    /// The most rows the venue returns per page.
    public var pageSize: Int
    /// The widest time window the venue answers for (nil: one window from the watermark to now).
    let window: Int64?

    public init(account: any ExchangeAccount, writer: any EventJournal, capabilities: VenueCapabilities, clock: any Clock) {
        self.account = account
        self.writer = writer
        self.clock = clock
        pageSize = capabilities.historyPageLimit
        window = capabilities.tradeWindowMilliseconds
    }

    /// Stores the trades since `since` (ms; nil: the whole history, paged by id); returns how
    /// many events were new.
    @discardableResult
    public func run(symbol: String, since: Int64? = nil) throws -> Int {
        var added = 0
        let now = clock.now.millisecondsSinceEpoch
        guard var start = since else { return try page(symbol: symbol, start: nil, end: nil) }
        // Windows as wide as the venue answers for, from the watermark to now, each paged by id.
        while start <= now {
            let end = min(window.map { start + $0 - 1 } ?? .max, now + 60_000)
            added += try page(symbol: symbol, start: start, end: end)
            start = end + 1
        }
        return added
    }

    /// One window `[start, end]` (or, without one, the whole history from the first fill): the
    /// first page, then page by page from each page's `next`.
    private func page(symbol: String, start: Int64?, end: Int64?) throws -> Int {
        var added = 0
        var page = try account.trades(symbol: symbol, start: start, end: end, after: nil, limit: pageSize,
                                      clientOrderIDs: clientOrderIDs())
        var previous: String?
        while true {
            added += try writer.append(page.events).filter { !$0.isDuplicate }.count
            guard page.rows == pageSize, let next = page.next, page.lastTime.map({ time in end.map { time <= $0 } ?? true }) ?? true,
                  next != previous  // a page that does not move forward would loop for ever
            else { return added }
            previous = next
            page = try account.trades(symbol: symbol, start: nil, end: nil, after: next, limit: pageSize, clientOrderIDs: clientOrderIDs())
        }
    }

    /// Our client ids for the orders these trades belong to, from the order projection.
    private func clientOrderIDs() -> [String: String] {
        var ids: [String: String] = [:]
        for order in writer.state.orders.values { if let id = order.orderID { ids[id] = order.clientOrderID } }
        return ids
    }
}
