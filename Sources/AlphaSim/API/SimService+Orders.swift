import AlphaCore
import AlphaHTTP
import AlphaJSON

/// Orders and fills: new, query, cancel, open, all, cancel-all, user trades (reference §3.3–3.6).
extension SimService {
    func addOrderRoutes(to router: inout Router) {
        router.post("/fapi/v1/order", endpoint(.signed, weight: 0, placesOrder: true) { [self] _, parameters throws(BinanceError) in
            let request = try Self.newOrder(parameters)
            let (order, spec) = try mutate { exchange, time throws(BinanceError) in
                let updates = try exchange.place(request, time: time)
                return ((updates[updates.count - 1].order, try exchange.symbol(request.symbol)), updates)
            }
            return Self.json { SimJSON.order(order, spec: spec, into: &$0) }
        })
        router.get("/fapi/v1/order", endpoint(.signed, weight: 1) { [self] _, parameters throws(BinanceError) in
            let symbol = try parameters.required("symbol")
            let (order, spec) = try state.withLock { state throws(BinanceError) -> (SimOrder, SimSymbol) in
                (try state.exchange.order(symbol: symbol, orderId: try parameters.int64("orderId"),
                                          clientOrderId: parameters["origClientOrderId"]), try state.exchange.symbol(symbol))
            }
            return Self.json { SimJSON.order(order, spec: spec, into: &$0) }
        })
        router.delete("/fapi/v1/order", endpoint(.signed, weight: 1) { [self] _, parameters throws(BinanceError) in
            let symbol = try parameters.required("symbol")
            let (order, spec) = try mutate { exchange, time throws(BinanceError) in
                let update = try exchange.cancel(symbol: symbol, orderId: try parameters.int64("orderId"),
                                                 clientOrderId: parameters["origClientOrderId"], time: time)
                return ((update.order, try exchange.symbol(symbol)), [update])
            }
            return Self.json { SimJSON.order(order, spec: spec, into: &$0) }
        })
        router.delete("/fapi/v1/allOpenOrders", endpoint(.signed, weight: 1) { [self] _, parameters throws(BinanceError) in
            let symbol = try parameters.required("symbol")
            try mutate { exchange, time throws(BinanceError) in
                _ = try exchange.symbol(symbol)
                var updates: [SimOrderUpdate] = []
                for order in exchange.openOrders(symbol: symbol) where !order.isAlgo {  // algo orders have their own cancel-all
                    updates.append(try exchange.cancel(symbol: symbol, orderId: order.orderId, clientOrderId: nil, time: time))
                }
                return ((), updates)
            }
            return Array(#"{"code":200,"msg":"The operation of cancel all open order is done."}"#.utf8)
        })
        router.get("/fapi/v1/openOrders", endpoint(.signed, weight: 1) { [self] _, parameters throws(BinanceError) in
            try orderList(symbol: parameters["symbol"], requireSymbol: false) { $0.openOrders(symbol: $1).filter { !$0.isAlgo } }
        })
        router.get("/fapi/v1/allOrders", endpoint(.signed, weight: 5) { [self] _, parameters throws(BinanceError) in
            try orderList(symbol: parameters["symbol"], requireSymbol: true) { exchange, symbol in
                exchange.orders.values.filter { $0.symbol == symbol }.sorted { $0.orderId < $1.orderId }
            }
        })
        router.get("/fapi/v1/userTrades", endpoint(.signed, weight: 5) { [self] _, parameters throws(BinanceError) in
            let symbol = try parameters.required("symbol")
            let limit = Int(try parameters.int64("limit") ?? 500)
            guard (1...1000).contains(limit) else { throw .invalid("limit") }
            let fromID = try parameters.int64("fromId")
            let start = try parameters.int64("startTime")
            let end = try parameters.int64("endTime")
            if let start, let end {
                guard start <= end else { throw BinanceError(code: -1023, "Start time is greater than end time.") }
                guard end - start <= 7 * 24 * 3_600_000 else { throw .invalid("startTime") }  // at most 7 days apart
            }
            let (trades, spec) = try state.withLock { state throws(BinanceError) -> ([SimTrade], SimSymbol) in
                let matching = state.exchange.ledger.trades.filter {
                    $0.symbol == symbol && $0.id >= (fromID ?? 0) && $0.time >= (start ?? 0) && $0.time <= (end ?? .max)
                }
                // With fromId or a start time: the oldest `limit` from there; otherwise the newest `limit`.
                let page = fromID != nil || start != nil ? Array(matching.prefix(limit)) : Array(matching.suffix(limit))
                return (page, try state.exchange.symbol(symbol))
            }
            return Self.json { writer in
                writer.beginArray()
                for trade in trades { SimJSON.trade(trade, spec: spec, into: &writer) }
                writer.endArray()
            }
        })
    }

    private func orderList(symbol: String?, requireSymbol: Bool,
                           _ select: (SimExchange, String?) -> [SimOrder]) throws(BinanceError) -> [UInt8] {
        if requireSymbol && symbol == nil { throw .mandatory("symbol") }
        let (orders, symbols) = try state.withLock { state throws(BinanceError) -> ([SimOrder], [String: SimSymbol]) in
            if let symbol { _ = try state.exchange.symbol(symbol) }
            return (select(state.exchange, symbol), state.exchange.symbols)
        }
        return Self.json { writer in
            writer.beginArray()
            for order in orders { SimJSON.order(order, spec: symbols[order.symbol]!, into: &writer) }
            writer.endArray()
        }
    }

    /// Reads POST /fapi/v1/order's parameters with Binance's codes for each mistake.
    static func newOrder(_ parameters: BinanceParameters) throws(BinanceError) -> NewOrderRequest {
        let symbol = try parameters.required("symbol")
        guard let side = OrderSide(rawValue: try parameters.required("side")) else {
            throw BinanceError(code: -1117, "Invalid side.")
        }
        guard let kind = SimOrder.Kind(rawValue: try parameters.required("type")) else {
            throw BinanceError(code: -1116, "Invalid orderType.")
        }
        let closePosition = parameters["closePosition"]?.lowercased() == "true"
        var quantity = Amount.zero
        if !closePosition {
            guard let value = Amount(try parameters.required("quantity")) else { throw .invalid("quantity") }
            quantity = value
        }
        var price: Amount?
        if let text = parameters["price"] {
            guard let value = Amount(text) else { throw .invalid("price") }
            price = value
        }
        var stopPrice: Amount?
        if let text = parameters["stopPrice"] ?? parameters["triggerPrice"] {
            guard let value = Amount(text) else { throw .invalid("stopPrice") }
            stopPrice = value
        }
        var timeInForce: SimOrder.TimeInForce?
        if let text = parameters["timeInForce"] {
            guard let value = SimOrder.TimeInForce(rawValue: text) else { throw BinanceError(code: -1115, "Invalid timeInForce.") }
            timeInForce = value
        }
        if let positionSide = parameters["positionSide"], positionSide != "BOTH" {
            throw BinanceError(code: -4061, "Order's position side does not match user's setting.")
        }
        let reduceOnly: Bool
        switch parameters["reduceOnly"]?.lowercased() {
        case nil, "false": reduceOnly = false
        case "true": reduceOnly = true
        default: throw .invalid("reduceOnly")
        }
        // ccxt sends newClientOrderId to the algo endpoint too; accept both names there.
        let clientOrderId = parameters["newClientOrderId"] ?? parameters["clientAlgoId"]
        if let clientOrderId {
            guard (try? ClientOrderID(validating: clientOrderId)) != nil else {
                throw BinanceError(code: -4015, "Client order id is not valid.")
            }
        }
        var request = NewOrderRequest(symbol: symbol, side: side, kind: kind, timeInForce: timeInForce, quantity: quantity,
                                      price: price, reduceOnly: reduceOnly, clientOrderId: clientOrderId)
        request.stopPrice = stopPrice
        request.closePosition = closePosition
        return request
    }
}
