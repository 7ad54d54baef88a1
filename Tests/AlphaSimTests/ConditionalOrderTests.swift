import AlphaCore
import AlphaJSON
import AlphaTestSupport
import AlphaWebSocket
import Testing
@testable import AlphaSim

@Suite("Simulator conditional orders (legacy path and Algo Service)")
struct ConditionalOrderTests {
    func long(_ quantity: String = "0.02") throws -> SimExchange {
        var sim = SimExchange(prices: ["BTCUSDT": Amount("50000")!], initialBalance: Amount("10000")!)
        _ = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .market, quantity: Amount(quantity)!), time: 1)
        return sim
    }

    func conditional(_ kind: SimOrder.Kind, side: OrderSide, stop: String, quantity: String = "0.02", reduceOnly: Bool = false,
                     closePosition: Bool = false) -> NewOrderRequest {
        var request = NewOrderRequest(symbol: "BTCUSDT", side: side, kind: kind, quantity: closePosition ? .zero : Amount(quantity)!,
                                      reduceOnly: reduceOnly)
        request.stopPrice = Amount(stop)!
        request.closePosition = closePosition
        return request
    }

    @Test("a stop-loss waits, then executes at the market when the price falls through it")
    func stopLoss() throws {
        var sim = try long()
        let placed = try sim.place(conditional(.stopMarket, side: .sell, stop: "49000", reduceOnly: true), time: 2)
        #expect(placed.map(\.order.status) == [.new])
        #expect(sim.setPrice(Amount("49500")!, for: "BTCUSDT", time: 3).isEmpty)
        let fired = sim.setPrice(Amount("48900")!, for: "BTCUSDT", time: 4)
        #expect(fired.first?.order.status == .filled)
        #expect(fired.first?.trade?.price == Amount("48900")!)
        #expect(sim.ledger.position("BTCUSDT").amount.isZero)
    }

    @Test("a stop that would fire at once is refused with -2021")
    func immediateTrigger() throws {
        var sim = try long()
        #expect(throws: BinanceError(code: -2021, "Order would immediately trigger.")) {
            try sim.place(conditional(.stopMarket, side: .sell, stop: "51000", reduceOnly: true), time: 2)
        }
    }

    @Test("take-profit with closePosition closes whatever the position is by then; with no position it expires")
    func closePosition() throws {
        var sim = try long()
        _ = try sim.place(conditional(.takeProfitMarket, side: .sell, stop: "52000", closePosition: true), time: 2)
        _ = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .market, quantity: Amount("0.01")!), time: 3)
        let fired = sim.setPrice(Amount("52000")!, for: "BTCUSDT", time: 4)
        #expect(fired.first?.trade?.quantity == Amount("0.03")!)
        #expect(sim.ledger.position("BTCUSDT").amount.isZero)
        var flat = SimExchange(prices: ["BTCUSDT": Amount("50000")!], initialBalance: Amount("10000")!)
        _ = try flat.place(conditional(.stopMarket, side: .sell, stop: "49000", closePosition: true), time: 1)
        #expect(flat.setPrice(Amount("48000")!, for: "BTCUSDT", time: 2).first?.order.status == .expired)
    }

    @Test("Algo Service over REST and the stream: place, query by clientAlgoId, ALGO_UPDATE NEW then FINISHED with the fill")
    func algoService() throws {
        let sim = try SimHarness()
        _ = try sim.marketBuy("entry", quantity: "0.020")
        let stream = try WebSocketClient(url: "ws://127.0.0.1:\(sim.port)/ws/\(try sim.listenKey())")
        #expect(eventually { sim.service.streams.sessionCount == 1 })
        let placed = try sim.signed("POST", "/fapi/v1/algoOrder", [("algoType", "CONDITIONAL"), ("symbol", "BTCUSDT"), ("side", "SELL"),
                                                                   ("type", "STOP_MARKET"), ("triggerPrice", "49000"),
                                                                   ("closePosition", "true"), ("clientAlgoId", "sl-1")])
        #expect(placed.status == 200)
        #expect(placed.json["algoStatus"] == "NEW")
        #expect(placed.json["clientAlgoId"] == "sl-1")
        let open = try sim.signed("GET", "/fapi/v1/openAlgoOrders", [("symbol", "BTCUSDT")])
        #expect(open.text.contains("\"sl-1\""))
        sim.service.setPrice(Amount("48800")!, for: "BTCUSDT")
        var kinds: [String] = []
        while kinds.count < 4, case .text(let text)? = try stream.receive(timeoutMilliseconds: 3000) {
            let event = try JSONParser.parseObject(text)
            guard case .string(let kind)? = event["e"], case .object(let body)? = event["o"] ?? event["a"] else { continue }
            if case .string(let status)? = body["X"] { kinds.append("\(kind):\(status)") } else { kinds.append(kind) }
        }
        #expect(kinds == ["ALGO_UPDATE:NEW", "ACCOUNT_UPDATE", "ALGO_UPDATE:FINISHED", "ORDER_TRADE_UPDATE:FILLED"])
        let queried = try sim.signed("GET", "/fapi/v1/algoOrder", [("clientAlgoId", "sl-1")])
        #expect(queried.json["algoStatus"] == "FINISHED")
        #expect(queried.json["actualQty"] == "0.020")
        #expect(sim.service.withExchange { $0.ledger.position("BTCUSDT").amount.isZero })
    }

    @Test("legacy /fapi/v1/order takes STOP_MARKET with stopPrice; cancel works on it")
    func legacyPath() throws {
        let sim = try SimHarness()
        _ = try sim.marketBuy("entry", quantity: "0.020")
        let placed = try sim.signed("POST", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", "SELL"), ("type", "STOP_MARKET"),
                                                               ("stopPrice", "48000"), ("quantity", "0.020"), ("reduceOnly", "true"),
                                                               ("newClientOrderId", "legacy-sl")])
        #expect(placed.json["type"] == "STOP_MARKET")
        #expect(placed.json["stopPrice"] == "48000.00")
        let canceled = try sim.signed("DELETE", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("origClientOrderId", "legacy-sl")])
        #expect(canceled.json["status"] == "CANCELED")
    }
}
