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
            var query = QueryReader(context.request, accepts: ["symbol", "interval", "from", "until", "limit", "source"])
            let symbol = try query.symbol("symbol") ?? context.storage.configs.runtime().value.symbol
            let intervalName = query.string("interval", maxLength: 8) ?? "1h"
            let interval = FillCandle.intervals[intervalName]
            if interval == nil { query.problem("interval", "must be one of \(FillCandle.intervals.keys.sorted().joined(separator: ", "))") }
            let limit = query.integer("limit", in: 1...1000) ?? 500
            let givenUntil = query.integer("until", in: 0...Int64.max)
            let givenFrom = query.integer("from", in: 0...Int64.max)
            let source = query.string("source", maxLength: 10) ?? "exchange"
            if source != "exchange" && source != "fills" { query.problem("source", "must be exchange or fills") }
            try query.finish()
            let timeframe = Timeframe(intervalName) ?? .oneMinute
            guard source == "exchange" else {
                let until = givenUntil ?? Timestamp.now().millisecondsSinceEpoch
                let from = givenFrom ?? max(0, until - limit * (interval ?? 0))
                let candles = FillCandle.build(try Self.fills(context, symbol: symbol, from: from, until: until).map { ($0.price, $0.quantity, $0.time) },
                                           intervalMilliseconds: interval ?? 1).suffix(Int(limit))
                return .json(.object([
                    "symbol": .string(symbol), "interval": .string(intervalName), "source": "fills", "candles": .array(candles.map(\.json)),
                ]))
            }
            // The exchange's candles as the bot keeps them (its strategy's timeframes, and one-minute
            // candles, which longer intervals are merged from when they are not kept themselves).
            let market = context.storage.marketData
            let until = givenUntil.map { $0 - 1 }
            var candles = try market.candles(symbol: symbol, timeframe: timeframe, from: givenFrom, until: until, limit: Int(limit))
            if candles.isEmpty, timeframe != .oneMinute {
                let minutes = try market.candles(symbol: symbol, timeframe: .oneMinute, from: givenFrom, until: until,
                                                 limit: Int(limit) * Int(timeframe.milliseconds / 60_000))
                candles = Array(MarketCandles.merge(minutes, into: timeframe).suffix(Int(limit)))
            }
            let marked = try candles.first.map { first in
                try Self.fills(context, symbol: symbol, from: first.openTime, until: candles.last!.closeTime + 1)
            } ?? []
            return .json(.object([
                "symbol": .string(symbol), "interval": .string(intervalName), "source": "exchange",
                "candles": .array(candles.map(MarketCandles.json)),
                "fills": .array(marked.map { fill in
                    .object(["time": .int(fill.time), "side": .string(fill.side), "price": .amount(fill.price), "quantity": .amount(fill.quantity),
                             "clientOrderId": .optional(fill.clientOrderID)])
                }),
            ]))
        }
    }

    /// The account's fills of `symbol` in [from, until), bounded per request.
    private static func fills(_ context: Context, symbol: String, from: Int64, until: Int64) throws
        -> [(price: Amount, quantity: Amount, time: Int64, side: String, clientOrderID: String?)] {
        // An empty window (from after until) has no fills; it is not an error.
        let events = from >= until ? [] : try context.storage.events
            .trades(symbol: symbol, fromTime: from, untilTime: until, limit: Self.maximumCandleFills + 1)
        // A bound on the work one request may cause: a window that holds more must be narrowed.
        guard events.count <= Self.maximumCandleFills else {
            throw APIFailure.invalid("from", "the window holds more than \(Self.maximumCandleFills) fills; narrow from/until")
        }
        return events.compactMap { event in
            guard let trade = try? TradePayload(json: event.payload) else { return nil }
            return (trade.price, trade.quantity, trade.time, trade.side.rawValue, trade.clientOrderID)
        }
    }
}
