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
    private let client: BinanceRESTClient
    private let writer: EventWriter
    private let scope: Scope
    /// Binance returns at most 1000 per page.
    public var pageSize = 1000
    /// Binance answers at most 7 days per time window.
    static let window: Int64 = 7 * 24 * 3_600_000

    public init(client: BinanceRESTClient, writer: EventWriter, scope: Scope) {
        self.client = client
        self.writer = writer
        self.scope = scope
    }

    /// Stores the trades since `since` (ms; nil: the whole history, paged by id); returns how
    /// many events were new.
    @discardableResult
    public func run(symbol: String, since: Int64? = nil) throws -> Int {
        var added = 0
        let now = Timestamp.now().millisecondsSinceEpoch
        guard var start = since else { return try page(symbol: symbol, first: [("fromId", "0")]) }
        // Windows of at most 7 days from the watermark to now, each paged by id.
        while start <= now {
            let end = min(start + Self.window - 1, now + 60_000)
            added += try page(symbol: symbol, first: [("startTime", String(start)), ("endTime", String(end))], until: end)
            start = end + 1
        }
        return added
    }

    /// One window (or, with `fromId`, the whole history): the first request, then by id.
    private func page(symbol: String, first: [(String, String)], until end: Int64? = nil) throws -> Int {
        var added = 0
        var query = first
        while true {
            let answer = try client.signed("GET", "/fapi/v1/userTrades", [("symbol", symbol)] + query + [("limit", String(pageSize))])
            guard case .array(let rows) = answer, !rows.isEmpty else { return added }
            let events = try BinanceEventTranslator.events(fromUserTrades: rows, clientOrderIDs: clientOrderIDs(), scope: scope)
            added += try writer.append(events).filter { !$0.isDuplicate }.count
            guard rows.count == pageSize, case .object(let last)? = rows.last, case .number(let text)? = last["id"], let id = Int64(text),
                  (try? last.int64("time")).map({ time in end.map { time <= $0 } ?? true }) ?? true
            else {
                return added
            }
            let previous = query.first { $0.0 == "fromId" }.flatMap { Int64($0.1) } ?? -1
            guard id >= previous else { return added }  // a page that does not move forward would loop for ever
            query = [("fromId", String(id + 1))]
        }
    }

    /// Our client ids for the orders these trades belong to, from the order projection.
    private func clientOrderIDs() -> [Int64: String] {
        var ids: [Int64: String] = [:]
        for order in writer.state.orders.values { if let id = order.orderID { ids[id] = order.clientOrderID } }
        return ids
    }
}
