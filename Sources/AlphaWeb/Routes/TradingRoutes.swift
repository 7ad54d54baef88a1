import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaStore

/// Orders, trades, positions and balances, as the bot's projections and event log hold them.
extension WebAPI {
    func addTradingRoutes(to router: inout Router) {
        add(&router, "GET", "/api/orders", .viewer) { context in
            var query = QueryReader(context.request, accepts: ["status", "symbol", "limit", "cursor"])
            let statusText = query.string("status", maxLength: 40) ?? "all"
            let symbol = query.symbol("symbol")
            let limit = Int(query.integer("limit", in: 1...1000) ?? 100)
            let cursor = query.string("cursor", maxLength: 120).flatMap { text -> (time: Int64, id: String)? in
                let parts = text.split(separator: "_", maxSplits: 1)
                guard parts.count == 2, let time = Int64(parts[0]) else { return nil }
                return (time, String(parts[1]))
            }
            if query.wasGiven("cursor"), cursor == nil { query.problem("cursor", "must be the `next` of a previous page") }
            let filter: OrderListFilter? = switch statusText {
            case "all": .all
            case "open": .open
            case "closed": .closed
            default: OrderState(rawValue: statusText).map { .status($0) }
            }
            if filter == nil {
                query.problem("status", "must be open, closed, all or one of \(OrderState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            try query.finish()
            let orders = try context.storage.projections.orders(filter ?? .all, symbol: symbol, after: cursor, limit: limit)
            // The cursor is (time, id), not a time alone: orders that share a millisecond are
            // neither skipped nor repeated across pages.
            let next: JSONValue = orders.count == limit ? orders.last.map { .string("\($0.time)_\($0.clientOrderID)") } ?? .null : .null
            return .json(.object(["orders": .array(orders.map { .object($0.json) }), "next": next]))
        }
        add(&router, "GET", "/api/orders/:clientOrderId", .viewer) { context in
            try QueryReader(context.request, accepts: []).finish()
            let id = context.request.pathParameters["clientOrderId"] ?? ""
            guard let order = try context.storage.projections.order(clientOrderID: id) else {
                throw APIFailure.notFound("no order with client order id \(id.prefix(64))")
            }
            let events = try context.storage.events
                .events(matching: EventFilter(entityKind: .order, entityID: id), limit: 1000)
            return .json(.object(["order": .object(order.json), "events": .array(events.map(APIJSON.event))]))
        }
        add(&router, "GET", "/api/trades", .viewer) { context in
            var query = QueryReader(context.request, accepts: ["symbol", "after", "before", "order", "limit"])
            let symbol = query.symbol("symbol")
            let page = query.seqPage()
            let limit = Int(query.integer("limit", in: 1...1000) ?? 100)
            try query.finish()
            let trades = try context.storage.events.trades(
                symbol: symbol, afterSeq: page.after, beforeSeq: page.before, newestFirst: page.newestFirst,
                fromTime: nil, untilTime: nil, limit: limit)
            return .json(APIJSON.list("trades", trades.map(APIJSON.trade), next: trades.count == limit ? trades.last?.seq : nil))
        }
        add(&router, "GET", "/api/positions", .viewer) { context in
            try QueryReader(context.request, accepts: []).finish()
            let positions = try context.storage.projections.positions()
            let marks = try context.storage.marketData.marks()
            return .json(.object(["positions": .array(positions.map { APIJSON.position($0, marks: marks) })]))
        }
        add(&router, "GET", "/api/symbols", .viewer) { context in
            var query = QueryReader(context.request, accepts: ["symbol"])
            let symbol = query.symbol("symbol")
            try query.finish()
            let stored = try context.storage.marketData.symbolRules().filter { symbol == nil || $0.rules.symbol == symbol }
            return .json(.object(["symbols": .array(stored.map(APIJSON.symbolRules))]))
        }
        add(&router, "GET", "/api/balances", .viewer) { context in
            try QueryReader(context.request, accepts: []).finish()
            let balances = try context.storage.projections.balances()
            return .json(.object(["balances": .array(balances.map { .object($0.json) })]))
        }
    }
}
