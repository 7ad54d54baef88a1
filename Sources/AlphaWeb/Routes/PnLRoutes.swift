import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaStore

/// The PnL series per UTC day (with a running total per asset) and candles of our fills.
extension WebAPI {
    static let maximumCandleFills = 100_000

    func addPnLRoutes(to router: inout Router) {
        add(&router, "GET", "/api/pnl", .viewer) { context in
            var query = QueryReader(context.request, accepts: ["from", "until", "asset"])
            let from = query.day("from"), until = query.day("until")
            let asset = query.asset("asset")
            try query.finish()
            let store = context.storage.projections
            // The running total starts from everything before `from`, so it is the account's, not the window's.
            var running: [String: Amount] = [:]
            if let from {
                for day in try store.pnlDays(from: nil, until: nil, asset: asset) where day.day < from {
                    running[day.asset, default: .zero] += day.totals.net
                }
            }
            let days = try store.pnlDays(from: from, until: until, asset: asset).map { day -> JSONValue in
                running[day.asset, default: .zero] += day.totals.net
                return .object([
                    "day": .string(day.day), "asset": .string(day.asset), "realizedPnl": .amount(day.totals.realizedPnl),
                    "fees": .amount(day.totals.fees), "funding": .amount(day.totals.funding), "net": .amount(day.totals.net),
                    "trades": .int(day.totals.trades), "cumulativeNet": .amount(running[day.asset] ?? .zero),
                ])
            }
            return .json(.object(["days": .array(days)]))
        }
        add(&router, "GET", "/api/candles", .viewer) { context in
            var query = QueryReader(context.request, accepts: ["symbol", "interval", "from", "until", "limit"])
            let symbol = try query.symbol("symbol") ?? context.storage.configs.runtime().value.symbol
            let intervalName = query.string("interval", maxLength: 8) ?? "1h"
            let interval = Candle.intervals[intervalName]
            if interval == nil { query.problem("interval", "must be one of \(Candle.intervals.keys.sorted().joined(separator: ", "))") }
            let limit = query.integer("limit", in: 1...1000) ?? 500
            let until = query.integer("until", in: 0...Int64.max) ?? Timestamp.now().millisecondsSinceEpoch
            let from = query.integer("from", in: 0...Int64.max) ?? max(0, until - limit * (interval ?? 0))
            try query.finish()
            // An empty window (from after until) has no candles; it is not an error.
            let events = from >= until ? [] : try context.storage.events
                .trades(symbol: symbol, fromTime: from, untilTime: until, limit: Self.maximumCandleFills + 1)
            // A bound on the work one request may cause: a window that holds more must be narrowed.
            guard events.count <= Self.maximumCandleFills else {
                throw APIFailure.invalid("from", "the window holds more than \(Self.maximumCandleFills) fills; narrow from/until")
            }
            let fills = events
                .compactMap { event -> (price: Amount, quantity: Amount, time: Int64)? in
                    guard let price = try? event.payload.amount("price"), let quantity = try? event.payload.amount("quantity"),
                          let time = try? event.payload.int64("time") else { return nil }
                    return (price, quantity, time)
                }
            let candles = Candle.build(fills, intervalMilliseconds: interval ?? 1).suffix(Int(limit))
            return .json(.object([
                "symbol": .string(symbol), "interval": .string(intervalName), "source": .string("fills"),
                "candles": .array(candles.map(\.json)),
            ]))
        }
    }
}
