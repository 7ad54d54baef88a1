import AlphaCore
import AlphaHTTP
import AlphaJSON

/// Conditional orders through the Algo Service (reference §0 item 1, §3.4): STOP_MARKET and
/// TAKE_PROFIT_MARKET, by quantity, reduce-only or closePosition. The legacy `/fapi/v1/order`
/// path accepts the same types with `stopPrice`.
extension SimService {
    func addAlgoRoutes(to router: inout Router) {
        let path = "/fapi/v1/algoOrder"
        router.post(path, endpoint(.signed, weight: 0, placesOrder: true) { [self] _, parameters throws(BinanceError) in
            guard (parameters["algoType"] ?? "CONDITIONAL") == "CONDITIONAL" else { throw .invalid("algoType") }
            var request = try Self.newOrder(parameters)
            guard request.kind.isConditional else { throw BinanceError(code: -1116, "Invalid orderType.") }
            request.isAlgo = true
            let (order, spec) = try mutate { exchange, time throws(BinanceError) in
                let updates = try exchange.place(request, time: time)
                return ((updates[updates.count - 1].order, try exchange.symbol(request.symbol)), updates)
            }
            return Self.json { SimJSON.algoOrder(order, spec: spec, into: &$0) }
        })
        router.get(path, endpoint(.signed, weight: 1) { [self] _, parameters throws(BinanceError) in
            let (order, spec) = try findAlgo(parameters)
            return Self.json { SimJSON.algoOrder(order, spec: spec, into: &$0) }
        })
        router.delete(path, endpoint(.signed, weight: 1) { [self] _, parameters throws(BinanceError) in
            let (found, _) = try findAlgo(parameters)
            let order = try mutate { exchange, time throws(BinanceError) in
                let update = try exchange.cancel(symbol: found.symbol, orderId: found.orderId, clientOrderId: nil, time: time)
                return (update.order, [update])
            }
            return Self.json { writer in
                writer.beginObject()
                writer.key("algoId"); writer.value(order.orderId)
                writer.key("clientAlgoId"); writer.value(order.clientOrderId)
                writer.key("code"); writer.value("200")
                writer.key("msg"); writer.value("success")
                writer.endObject()
            }
        })
        router.delete("/fapi/v1/algoOpenOrders", endpoint(.signed, weight: 1) { [self] _, parameters throws(BinanceError) in
            let symbol = try parameters.required("symbol")
            try mutate { exchange, time throws(BinanceError) in
                _ = try exchange.symbol(symbol)
                var updates: [SimOrderUpdate] = []
                for order in exchange.openOrders(symbol: symbol) where order.isAlgo {
                    updates.append(try exchange.cancel(symbol: symbol, orderId: order.orderId, clientOrderId: nil, time: time))
                }
                return ((), updates)
            }
            return Self.json { writer in
                writer.beginObject()
                writer.key("code"); writer.value("200")
                writer.key("msg"); writer.value("The operation of cancel all open order is done.")
                writer.endObject()
            }
        })
        router.get("/fapi/v1/openAlgoOrders", endpoint(.signed, weight: 1) { [self] _, parameters in
            let symbol = parameters["symbol"]
            let (orders, symbols) = state.withLock { state in
                (state.exchange.openOrders(symbol: symbol).filter(\.isAlgo), state.exchange.symbols)
            }
            return Self.json { writer in
                writer.beginArray()
                for order in orders { SimJSON.algoOrder(order, spec: symbols[order.symbol]!, into: &writer) }
                writer.endArray()
            }
        })
    }

    /// By `algoId` or `clientAlgoId` (-2013 when unknown).
    private func findAlgo(_ parameters: BinanceParameters) throws(BinanceError) -> (SimOrder, SimSymbol) {
        let algoId = try parameters.int64("algoId")
        let clientAlgoId = parameters["clientAlgoId"]
        guard algoId != nil || clientAlgoId != nil else {
            throw BinanceError(code: -1102, "Param 'algoId' or 'clientAlgoId' must be sent, but both were empty/null!")
        }
        return try state.withLock { state throws(BinanceError) -> (SimOrder, SimSymbol) in
            let matches = state.exchange.orders.values.filter { order in
                guard order.isAlgo else { return false }
                if let algoId { return order.orderId == algoId }
                return order.clientOrderId == clientAlgoId
            }
            guard let order = matches.max(by: { $0.orderId < $1.orderId }) else { throw .noSuchOrder }
            return (order, try state.exchange.symbol(order.symbol))
        }
    }
}
