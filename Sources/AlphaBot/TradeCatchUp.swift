import AlphaCore
import AlphaExchange
import AlphaJSON
import AlphaStore

/// The REST half of fill ingestion: pages through `userTrades` after the newest trade id the
/// store knows, and stores every fill and fee it has not seen. With the stream down for any
/// length of time, this alone converges (DESIGN §5; the reconciler runs it on its schedule).
public final class TradeCatchUp {
    private let client: BinanceRESTClient
    private let writer: EventWriter
    private let scope: Scope
    /// Binance returns at most 1000 per page.
    public var pageSize = 1000

    public init(client: BinanceRESTClient, writer: EventWriter, scope: Scope) {
        self.client = client
        self.writer = writer
        self.scope = scope
    }

    /// Fetches and stores the trades after the newest stored one; returns how many events were new.
    @discardableResult
    public func run(symbol: String) throws -> Int {
        var fromID = try newestTradeID(symbol: symbol).map { $0 + 1 } ?? 0
        var added = 0
        while true {
            let answer = try client.signed("GET", "/fapi/v1/userTrades",
                                           [("symbol", symbol), ("fromId", String(fromID)), ("limit", String(pageSize))])
            guard case .array(let rows) = answer, !rows.isEmpty else { return added }
            let clientIDs = clientOrderIDs()
            let events = try BinanceEventTranslator.events(fromUserTrades: rows, clientOrderIDs: clientIDs, scope: scope)
            added += try writer.append(events).filter { !$0.isDuplicate }.count
            remember(rows, symbol: symbol)
            guard rows.count == pageSize, case .object(let last)? = rows.last, case .number(let text)? = last["id"], let id = Int64(text),
                  id >= fromID  // a page that does not move forward would loop for ever
            else {
                return added
            }
            fromID = id + 1
        }
    }

    /// The newest trade id stored for `symbol`. Read from the event store once, then kept up to
    /// date from what this catch-up stores (fills the listener stores are older or equal, or
    /// are found again here and collide).
    private var newest: [String: Int64]?

    func newestTradeID(symbol: String) throws -> Int64? {
        if newest == nil {
            var found: [String: Int64] = [:]
            try writer.events.forEach { event in
                guard event.type == .tradeExecuted, case .string(let name)? = event.payload["symbol"],
                      case .number(let text)? = event.payload["tradeId"], let id = Int64(text) else { return }
                found[name] = max(found[name] ?? id, id)
            }
            newest = found
        }
        return newest?[symbol]
    }

    private func remember(_ rows: [JSONValue], symbol: String) {
        guard var known = newest else { return }
        for case .object(let row) in rows {
            if case .number(let text)? = row["id"], let id = Int64(text) { known[symbol] = max(known[symbol] ?? id, id) }
        }
        newest = known
    }

    /// Our client ids for the orders these trades belong to, from the order projection.
    private func clientOrderIDs() -> [Int64: String] {
        var ids: [Int64: String] = [:]
        for order in writer.state.orders.values { if let id = order.orderID { ids[id] = order.clientOrderID } }
        return ids
    }
}
