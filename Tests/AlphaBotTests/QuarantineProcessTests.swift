import AlphaCore
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// Outside activity in the real `alphaengine bot` process (issue 15): orders and positions made
/// by hand on the simulator are found, their symbol quarantined and left alone by a running
/// strategy, and each of a user's three decisions ends it as it should, across a restart.
@Suite("Quarantine: outside orders and positions, left alone until a user decides", .serialized)
struct QuarantineProcessTests {
    @Test("an outside order quarantines at once: the running strategy takes no decision through a golden cross, a restart keeps it; CLOSE cancels the outside orders and flattens the outside position, then the strategy runs again")
    func outsideOrderThenClose() throws {
        let world = try StrategyWorld()
        try world.configure(StrategyProcessTests.smaCross)
        try world.path(StrategyProcessTests.falling + ["49700", "49900", "50100", "50300", "50500", "50700"])
        for _ in 0..<6 { world.closeCandle() }
        try world.startBot()
        let bot = world.world
        #expect(eventually(within: 15) { bot.count(.reconciliationPerformed) >= 1 })
        #expect(world.next(), "the strategy runs before anyone else trades")

        // By hand on the exchange: a resting limit under the market, then a market buy.
        let resting = try bot.outsideOrder("BUY", quantity: "0.003", limit: "45000")
        #expect(resting.hasPrefix("web_"))
        #expect(eventually(within: 5) { bot.quarantine() != nil }, "the stream's copy of the order starts it: \(bot.log.suffix(2000))")
        let started = try #require(bot.stored(.quarantineStarted).first.map { try QuarantineStartedPayload(json: $0.payload) })
        #expect(started.cause == .outsideOrder && started.clientOrderID == resting && started.reason.contains(resting))
        let filled = try bot.outsideOrder("BUY", quantity: "0.003")

        // The strategy leaves BTCUSDT alone: the golden cross (49 900) passes with no decision.
        let evaluated = world.evaluated
        for _ in 0..<3 {
            world.closeCandle()
            Thread.sleep(forTimeInterval: 0.8)
        }
        #expect(world.evaluated == evaluated && world.decisions().isEmpty, "\(world.decisions())")
        #expect(try bot.commands.list(status: nil, type: nil, limit: 100).allSatisfy { $0.actor.kind != .strategy })

        // A restart in the middle: the quarantine is in the store, not in the process.
        #expect(bot.stopBot() == 0)
        try bot.startBot()
        #expect(eventually(within: 15) { bot.count(.engineStarted) == 2 && bot.count(.reconciliationPerformed) >= 3 })
        #expect(bot.quarantine()?.status == .active && bot.count(.quarantineStarted) == 1)
        world.closeCandle()
        Thread.sleep(forTimeInterval: 0.8)
        #expect(world.evaluated == evaluated)

        // CLOSE: the outside order is cancelled, the position (all of it someone else's) flattened.
        let close = try #require(try bot.resolve(.close))
        #expect(close.status == .acknowledged, "\(close.lastError ?? "")")
        let completed = try #require(bot.stored(.quarantineCompleted).first.map { try QuarantineCompletedPayload(json: $0.payload) })
        #expect(completed.action == .close && completed.cancelled == [resting] && completed.ownedAfter == Amount("0.003"))
        let flatten = try #require(completed.followUpCommandID)
        #expect(eventually(within: 10) { world.position.isZero }, "\(world.exchangeOrders())")
        #expect(bot.sim.withExchange { $0.orders.values.first { $0.clientOrderId == resting }?.status.rawValue } == "CANCELED")
        #expect(bot.sim.withExchange { $0.orders.values.first { $0.clientOrderId == filled }?.status.rawValue } == "FILLED")
        #expect(try bot.commands.command(id: flatten)?.payload["reduceOnly"] == .bool(true))
        #expect(eventually(within: 10) { bot.quarantine() == nil && bot.projection().ownedAmount("BTCUSDT").isZero })

        // The symbol is the strategy's again.
        #expect(world.next(), "the strategy evaluates again after CLOSE")
        #expect(eventually(within: 10) { bot.moneyAgrees() }, "\(bot.moneyReport())")
        #expect(bot.stopBot() == 0)
    }

    @Test("an outside fill the stream never carried is found by the reconciler's position check; IGNORE keeps the strategy off across a restart, ADOPT needs a stop, places it and makes the position AlphaEngine's")
    func outsidePositionIgnoreThenAdopt() throws {
        let bot = try BotWorld()
        try bot.startBot()
        #expect(eventually(within: 15) { bot.count(.reconciliationPerformed) >= 1 })
        // The stream drops what follows: only REST can tell.
        try bot.control("faults", #"{"fault":"drop_events","count":50}"#)
        _ = try bot.outsideOrder("BUY", quantity: "0.010")
        #expect(eventually(within: 10) { bot.quarantine() != nil }, "\(bot.log.suffix(2000))")
        try bot.control("faults", method: "DELETE")
        let started = try #require(bot.stored(.quarantineStarted).first.map { try QuarantineStartedPayload(json: $0.payload) })
        #expect(started.cause == .outsidePosition && started.exchangeAmount == Amount("0.01") && started.ownedAmount.isZero, "\(started)")

        // IGNORE: nothing is touched; the strategy may not act on BTCUSDT, a user still may.
        let ignore = try #require(try bot.resolve(.ignore))
        #expect(ignore.status == .acknowledged && bot.quarantine()?.status == .ignored)
        let strategyOrder = bot.settled(try bot.order("BUY", quantity: "0.001", actor: .strategy))
        #expect(strategyOrder?.status == .failed && strategyOrder?.lastError?.contains("QUARANTINE") == true, "\(strategyOrder?.lastError ?? "")")
        let userOrder = bot.settled(try bot.order("BUY", quantity: "0.003"))
        #expect(userOrder?.status == .acknowledged)

        #expect(bot.stopBot() == 0)
        try bot.startBot()
        let reconciles = bot.count(.reconciliationPerformed)
        #expect(eventually(within: 15) { bot.count(.reconciliationPerformed) >= reconciles + 3 })
        #expect(bot.quarantine()?.status == .ignored && bot.count(.quarantineStarted) == 1, "ignored stays ignored, and is not started again")
        #expect(try bot.resolve(.ignore)?.lastError?.contains("already ignored") == true)

        // ADOPT: a position needs its protective stop, on the right side.
        #expect(try bot.resolve(.adopt)?.lastError?.contains("stopPrice") == true)
        #expect(try bot.resolve(.adopt, stopPrice: "90000")?.lastError?.contains("below") == true)
        let adopt = try #require(try bot.resolve(.adopt, stopPrice: "40000"))
        #expect(adopt.status == .acknowledged, "\(adopt.lastError ?? "")")
        let completed = try #require(bot.stored(.quarantineCompleted).last.map { try QuarantineCompletedPayload(json: $0.payload) })
        #expect(completed.action == .adopt && completed.ownedAfter == Amount("0.013"))
        let stop = try #require(try completed.followUpCommandID.flatMap { try bot.commands.command(id: $0) })
        #expect(bot.settled(stop)?.status == .acknowledged)
        #expect(bot.exchangeOrders(try stop.clientOrderID.value) == 1)
        #expect(bot.sim.withExchange { $0.orders.values.contains { $0.kind.isConditional && $0.stopPrice == Amount("40000")! && $0.reduceOnly
            && $0.quantity == Amount("0.013")! && $0.status.rawValue == "NEW" } })
        #expect(bot.quarantine() == nil && bot.projection().ownedAmount("BTCUSDT") == Amount("0.013"))

        // Now AlphaEngine's: more reconciles start nothing, and the strategy may trade it again.
        let later = bot.count(.reconciliationPerformed)
        #expect(eventually(within: 15) { bot.count(.reconciliationPerformed) >= later + 3 })
        #expect(bot.count(.quarantineStarted) == 1)
        #expect(bot.settled(try bot.order("SELL", quantity: "0.001", ["reduceOnly": true], actor: .strategy))?.status == .acknowledged)
        #expect(eventually(within: 10) { bot.moneyAgrees() }, "\(bot.moneyReport())")
        #expect(bot.stopBot() == 0)
    }

    @Test("an ADOPT whose protective stop the exchange never takes puts the symbol back in quarantine, saying why, instead of leaving the position unprotected")
    func failedDecisionComesBack() throws {
        let bot = try BotWorld()
        try bot.startBot()
        #expect(eventually(within: 15) { bot.count(.reconciliationPerformed) >= 1 })
        _ = try bot.outsideOrder("SELL", quantity: "0.004")
        #expect(eventually(within: 10) { bot.quarantine() != nil })
        // The stop's request fails (a 500: never executed); the queries that follow find nothing, so it is not placed.
        try bot.control("faults", #"{"fault":"http_5xx","path":"/fapi/v1/algoOrder","status":500,"count":1}"#)
        let adopt = try #require(try bot.resolve(.adopt, stopPrice: "60000"))
        #expect(adopt.status == .acknowledged, "\(adopt.lastError ?? "")")
        #expect(eventually(within: 20) { bot.quarantine()?.started.cause == .decisionFailed }, "\(bot.log.suffix(3000))")
        let again = try #require(bot.quarantine())
        #expect(again.status == .active && again.started.reason.contains("protective stop"), "\(again.started.reason)")
        try bot.control("faults", method: "DELETE")
        // Decided again, with the exchange answering: now the stop is there.
        let retry = try #require(try bot.resolve(.adopt, stopPrice: "60000"))
        #expect(retry.status == .acknowledged, "\(retry.lastError ?? "")")
        #expect(eventually(within: 10) { bot.sim.withExchange { $0.orders.values.contains { $0.kind.isConditional && $0.status.rawValue == "NEW" } } })
        #expect(bot.quarantine() == nil && bot.projection().ownedAmount("BTCUSDT") == Amount("-0.004"))
        #expect(bot.stopBot() == 0)
    }
    @Test("an outside order the stream brings late, after the user adopted the position it made, is that position: no second quarantine; a new outside order still is one, whatever its date")
    func lateOutsideOrderAfterAdopt() throws {
        let bot = try BotWorld()
        try bot.startBot()
        #expect(eventually(within: 15) { bot.count(.reconciliationPerformed) >= 1 })
        // The stream lags 4 s: a reconcile (every second) finds the position before the order's event comes.
        try bot.control("faults", #"{"fault":"delay_events","milliseconds":4000}"#)
        let outside = try bot.outsideOrder("SELL", quantity: "0.004")
        #expect(eventually(within: 3) { bot.quarantine()?.started.cause == .outsidePosition })
        let adopt = try #require(try bot.resolve(.adopt, stopPrice: "60000"))
        #expect(adopt.status == .acknowledged, "\(adopt.lastError ?? "")")
        #expect(bot.quarantine() == nil)
        // The order's own event arrives now, older than the decision.
        #expect(eventually(within: 10) { bot.projection().orders.values.contains { $0.clientOrderID == outside } })
        let reconciles = bot.count(.reconciliationPerformed)
        #expect(eventually(within: 10) { bot.count(.reconciliationPerformed) >= reconciles + 2 })
        #expect(bot.quarantine() == nil && bot.count(.quarantineStarted) == 1, "\(bot.quarantine()?.started.reason ?? "")")
        try bot.control("faults", method: "DELETE")
        // An exchange clock 8 s behind dates a new resting order before the decision: the
        // reconciler still lists it open, and an open outside order is always quarantined.
        try bot.control("faults", #"{"fault":"clock_skew","milliseconds":-8000}"#)
        let resting = try bot.outsideOrder("BUY", quantity: "0.003", limit: "45000")
        #expect(eventually(within: 10) { bot.quarantine()?.started.clientOrderID == resting }, "\(bot.quarantine()?.started.reason ?? "none")")
        #expect(bot.quarantine()?.started.cause == .outsideOrder)
        try bot.control("faults", method: "DELETE")
        #expect(bot.stopBot() == 0)
    }

    @Test("a liquidation on the exchange: the bot takes its LIQUIDATION order for what it is, an order it did not place, quarantines the symbol, records the fill once, and its money agrees with the ledger to the last decimal")
    func liquidation() throws {
        let bot = try BotWorld(balance: "10000")
        try bot.startBot()
        #expect(eventually(within: 15) { bot.count(.reconciliationPerformed) >= 1 })
        // 3.5 BTC at about 50 000 on 10 000 USDT: 17.5× leverage, a few per cent from liquidation.
        let buy = try bot.order("BUY", quantity: "3.500")
        #expect(bot.settled(buy)?.status == .acknowledged, "\(bot.log.suffix(2000))")
        #expect(eventually(within: 10) { bot.projection().positions["BTCUSDT"]?.amount == Amount("3.5") })
        let price = try #require(bot.sim.withExchange { $0.liquidationPrice(for: "BTCUSDT") })
        try bot.control("price", #"{"symbol":"BTCUSDT","price":"\#(price)"}"#)
        let closed = bot.sim.withExchange { $0.orders.values.first { $0.kind == .liquidation } }
        #expect(closed?.status == .filled && closed?.clientOrderId.hasPrefix("autoclose-") == true, "the simulator liquidated at \(price)")
        #expect(bot.sim.withExchange { $0.ledger.position("BTCUSDT").amount.isZero })

        #expect(eventually(within: 10) { bot.quarantine() != nil }, "\(bot.log.suffix(2000))")
        let started = try #require(bot.stored(.quarantineStarted).first.map { try QuarantineStartedPayload(json: $0.payload) })
        #expect(started.clientOrderID == closed?.clientOrderId && started.cause == .liquidation && started.reason.contains("liquidated"),
                "the exchange's order started it, named for what it is: \(started)")
        #expect(eventually(within: 15) { bot.moneyAgrees() && bot.projection().positions["BTCUSDT"]?.amount.isZero == true }, "\(bot.moneyReport())")
        #expect(bot.storedTradeIDs() == bot.ledgerTradeIDs(), "the liquidation's fill once, with ours")
        #expect(bot.projection().ownedAmount("BTCUSDT").isZero, "the exchange closed our position: nothing is ours, nothing outside")
        #expect(bot.stopBot() == 0)
    }
}
