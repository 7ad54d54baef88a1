import AlphaBot
import AlphaCore
import AlphaExchange
import AlphaJSON
import AlphaSim
import AlphaStore
import Foundation
import Testing

@Suite("Reconciler: REST is the truth")
struct ReconcilerTests {
    @Test("activity the bot never saw (orders by hand, a deposit) is found: drifts recorded, projections corrected, a second run finds nothing")
    func outsideActivity() throws {
        let bot = try BotHarness()
        // Placed directly on the exchange, as from its web UI; the bot's stores know nothing.
        _ = try bot.client.signed("POST", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.020")])
        _ = try bot.client.signed("POST", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", "SELL"), ("type", "LIMIT"), ("timeInForce", "GTC"),
                                                            ("quantity", "0.010"), ("price", "60000"), ("newClientOrderId", "web_manual")])
        let reconciler = bot.reconciler()
        let first = try reconciler.run(trigger: .command)
        #expect(first.drifts == 2)  // the position and the balance
        #expect(first.newFacts == 3)  // a trade, its fee, the open order
        let ledger = bot.service.withExchange { $0.ledger }
        #expect(bot.writer.state.positions["BTCUSDT"]?.amount == ledger.position("BTCUSDT").amount)
        #expect(bot.writer.state.balances["USDT"]?.walletBalance == ledger.walletBalance)
        #expect(bot.writer.state.orders["web_manual"]?.status == .acknowledged)
        #expect(bot.writer.state.status.lastReconcileDrifts == 2)

        let second = try reconciler.run(trigger: .command)
        #expect(second.newFacts == 0 && second.drifts == 0)

        // The open order is cancelled on the exchange behind our back: the next run finds it ended.
        _ = try bot.client.signed("DELETE", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("origClientOrderId", "web_manual")])
        let third = try reconciler.run(trigger: .command)
        #expect(third.drifts == 1)
        #expect(bot.writer.state.orders["web_manual"]?.status == .cancelled)
    }

    @Test("an order we think open that the exchange no longer knows (forgotten after three days) is closed with a drift; the run completes")
    func forgottenOrder() throws {
        let bot = try BotHarness()
        let scope = Scope(on: .binanceUSDM, mode: .sim)
        let ghost = OrderPayload(symbol: "BTCUSDT", clientOrderID: "ae-ghost", orderID: "999999", side: .buy, type: .limit, status: .acknowledged,
                                 price: Amount("40000")!, quantity: Amount("0.010")!, time: 1)
        try bot.writer.append(Event(type: .orderPlaced, source: .rest, entityKind: .order, entityID: "ae-ghost", scope: scope,
                                    dedupKey: "order:test:ghost", payload: ghost.json))
        let reconciler = bot.reconciler()
        let report = try reconciler.run(trigger: .command)
        #expect(report.drifts == 2)  // the order, and the balance seen for the first time
        let drifts = try bot.writer.events.events(matching: EventFilter(types: [.driftDetected], entityID: "order:ae-ghost"))
        #expect(drifts.count == 1 && drifts.first?.payload["expected"] == "EXPIRED")
        #expect(bot.writer.state.orders["ae-ghost"]?.status == .expired)
        #expect(try reconciler.run(trigger: .command).drifts == 0)
    }
}
