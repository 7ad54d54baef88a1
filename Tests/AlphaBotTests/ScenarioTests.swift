import AlphaCore
import AlphaSim
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// One end-to-end test per seed use case (UC-01…UC-08) and per seed scenario (seed 000, Dev-Phase
/// 2): the real `alphaengine bot` process against the simulator on a real port, commands in
/// through the shared SQLite file, the exchange's own ledger as the judge.
@Suite("Scenarios: the bot process end to end against the simulator")
struct ScenarioTests {
    @Test("UC-01 / 2.3.1: a strategy's order → OrderPlaced and TradeExecuted tied to its command; money exact")
    func strategyOrder() throws {
        let world = try BotWorld()
        try world.startBot()
        let command = try world.order("BUY", actor: .strategy)
        let done = try #require(world.settled(command))
        #expect(done.status == .acknowledged)
        let clientOrderID = try command.clientOrderID.value
        #expect(world.exchangeOrders(clientOrderID) == 1)
        #expect(eventually(within: 10) { world.storedTradeIDs() == world.ledgerTradeIDs() && world.moneyAgrees() })
        // The order's events carry the command that caused them.
        #expect(world.stored(.orderPlaced, .orderUpdated).contains { $0.commandID == command.id })
        #expect(world.projection().orders[clientOrderID]?.status == .filled)
        #expect(world.stopBot() == 0)
    }

    @Test("UC-02 / 2.3.2: market buy, then a user's ClosePosition → flat, one reduce-only order, money exact")
    func marketBuyAndClose() throws {
        let world = try BotWorld()
        try world.startBot()
        #expect(world.settled(try world.order("BUY", quantity: "0.020"))?.status == .acknowledged)
        #expect(eventually(within: 10) { world.projection().positions["BTCUSDT"]?.amount == Amount("0.020") })
        let close = try world.command(.closePosition, ["symbol": "BTCUSDT"])
        #expect(world.settled(close)?.status == .acknowledged)
        #expect(eventually(within: 10) { world.projection().positions["BTCUSDT"]?.amount.isZero == true && world.moneyAgrees() })
        let closing = world.sim.withExchange { exchange in exchange.orders.values.filter { $0.clientOrderId == (try? close.clientOrderID.value) } }
        #expect(closing.count == 1 && closing.first?.reduceOnly == true)
        #expect(world.sim.withExchange { $0.orders.count } == 2)
        #expect(world.stopBot() == 0)
    }

    @Test("2.3.3 / 2.3.4: a limit order rests, is cancelled by command; another fills when the price comes to it")
    func limitPlaceCancelAndFill() throws {
        let world = try BotWorld()
        try world.startBot()
        let resting = try world.order("BUY", "LIMIT", ["price": "40000", "timeInForce": "GTC"])
        #expect(world.settled(resting)?.status == .acknowledged)
        let restingID = try resting.clientOrderID.value
        #expect(world.projection().orders[restingID]?.status == .acknowledged)
        #expect(world.settled(try world.command(.cancelOrder, ["symbol": "BTCUSDT", "clientOrderId": .string(restingID)]))?.status == .acknowledged)
        #expect(world.projection().orders[restingID]?.status == .cancelled)
        #expect(world.stored(.orderCancelled).contains { $0.entityID == restingID })

        let waiting = try world.order("BUY", "LIMIT", ["price": "49000", "timeInForce": "GTC"])
        #expect(world.settled(waiting)?.status == .acknowledged)
        world.sim.setPrice(Amount("48900")!, for: "BTCUSDT")
        let waitingID = try waiting.clientOrderID.value
        #expect(eventually(within: 10) { world.projection().orders[waitingID]?.status == .filled })
        #expect(eventually(within: 10) { world.storedTradeIDs() == world.ledgerTradeIDs() && world.moneyAgrees() })
        #expect(world.stopBot() == 0)
    }

    @Test("UC-03 / 2.3.5: partial fills — every part stored, the order's progress and the position exact")
    func partialFills() throws {
        let world = try BotWorld()
        world.sim.withExchange { $0.liquidityPerLevel = Amount("0.004")! }
        try world.startBot()
        // A market order sweeps three levels: 0.004 + 0.004 + 0.002.
        let market = try world.order("BUY", quantity: "0.010")
        #expect(world.settled(market)?.status == .acknowledged)
        #expect(eventually(within: 10) { world.storedTradeIDs().count == 3 && world.storedTradeIDs() == world.ledgerTradeIDs() })
        // A limit order one tick above the market takes two levels (0.008) and rests for the rest.
        let limit = try world.order("BUY", "LIMIT", quantity: "0.010", ["price": "50000.10", "timeInForce": "GTC"])
        #expect(world.settled(limit)?.status == .acknowledged)
        let limitID = try limit.clientOrderID.value
        #expect(eventually(within: 10) {
            let order = world.projection().orders[limitID]
            return order?.status == .partiallyFilled && order?.filledQuantity == Amount("0.008")
        })
        #expect(eventually(within: 10) { world.storedTradeIDs() == world.ledgerTradeIDs() && world.moneyAgrees() })
        let position = world.projection().positions["BTCUSDT"]
        #expect(position?.amount == Amount("0.018"))
        #expect(position?.entryPrice == world.sim.withExchange { $0.ledger.position("BTCUSDT").entryPrice })
        #expect(world.stopBot() == 0)
    }

    @Test("2.4.1 / 2.4.2: stop-loss and take-profit go through the Algo Order API, trigger, and close the position")
    func stopLossAndTakeProfit() throws {
        let world = try BotWorld()
        try world.startBot()
        #expect(world.settled(try world.order("BUY", quantity: "0.010"))?.status == .acknowledged)
        let stop = try world.order("SELL", "STOP_MARKET", quantity: "0.010", ["stopPrice": "49000", "reduceOnly": true])
        let takeProfit = try world.order("SELL", "TAKE_PROFIT_MARKET", quantity: "0.010", ["stopPrice": "51000", "reduceOnly": true])
        #expect(world.settled(stop)?.status == .acknowledged)
        #expect(world.settled(takeProfit)?.status == .acknowledged)
        // Binance takes conditional orders only as algo orders (reference §0.1).
        #expect(world.sim.withExchange { exchange in exchange.orders.values.filter(\.isAlgo).count } == 2)

        world.sim.setPrice(Amount("48900")!, for: "BTCUSDT")  // the stop triggers
        let stopID = try stop.clientOrderID.value, takeProfitID = try takeProfit.clientOrderID.value
        #expect(eventually(within: 10) { world.projection().orders[stopID]?.status == .filled })
        #expect(eventually(within: 10) { world.projection().positions["BTCUSDT"]?.amount.isZero == true })
        // The take-profit is left over; cancel-all removes it (algo orders have their own cancel-all).
        #expect(world.settled(try world.command(.cancelAll, ["symbol": "BTCUSDT"]))?.status == .acknowledged)
        #expect(eventually(within: 10) { world.projection().orders[takeProfitID]?.status == .cancelled })

        // A take-profit that triggers.
        world.sim.setPrice(Amount("50000")!, for: "BTCUSDT")
        #expect(world.settled(try world.order("BUY", quantity: "0.010"))?.status == .acknowledged)
        let profit = try world.order("SELL", "TAKE_PROFIT_MARKET", quantity: "0.010", ["stopPrice": "50500", "reduceOnly": true])
        #expect(world.settled(profit)?.status == .acknowledged)
        world.sim.setPrice(Amount("50600")!, for: "BTCUSDT")
        #expect(eventually(within: 10) { world.projection().orders[(try? profit.clientOrderID.value) ?? ""]?.status == .filled })
        #expect(eventually(within: 10) { world.storedTradeIDs() == world.ledgerTradeIDs() && world.moneyAgrees() })
        #expect(world.sim.withExchange { $0.ledger.position("BTCUSDT").amount.isZero })
        #expect(world.stopBot() == 0)
    }

    @Test("2.4.3: leverage set by command; an impossible value refused by the venue's rule, as the web refuses it")
    func leverage() throws {
        let world = try BotWorld()
        try world.startBot()
        #expect(world.settled(try world.command(.setLeverage, ["symbol": "BTCUSDT", "leverage": 7]))?.status == .acknowledged)
        #expect(world.sim.withExchange { $0.leverage(for: "BTCUSDT") } == 7)
        let refused = try #require(world.settled(try world.command(.setLeverage, ["symbol": "BTCUSDT", "leverage": 500])))
        #expect(refused.status == .failed && refused.lastError?.contains("payload.leverage") == true)
        #expect(world.sim.withExchange { $0.leverage(for: "BTCUSDT") } == 7)
        #expect(world.stopBot() == 0)
    }

    @Test("2.5.1: REST timeout after the order was accepted → recovered by client id, no second order")
    func timeoutRecoveredByClientID() throws {
        let world = try BotWorld()
        try world.startBot(["--rest-timeout-ms", "1000"])
        try world.control("faults", #"{"fault":"hang","milliseconds":2500}"#)
        let command = try world.order("BUY")
        let done = try #require(world.settled(command))
        #expect(done.status == .acknowledged)
        #expect(done.result?["resolvedBy"] == "query")
        #expect(world.exchangeOrders(try command.clientOrderID.value) == 1)
        #expect(eventually(within: 10) { world.storedTradeIDs() == world.ledgerTradeIDs() && world.moneyAgrees() })
        #expect(world.stopBot() == 0)
    }

    @Test("2.5.2: 429 → nothing is sent until Retry-After has passed, then the order goes out once; never banned")
    func rateLimitWaitsRetryAfter() throws {
        let world = try BotWorld()
        try world.startBot()
        #expect(eventually(within: 10) { world.count(.webSocketConnected) == 1 })
        let limitedAt = world.sim.now()
        try world.control("faults", #"{"fault":"rate_limit","seconds":3}"#)
        let command = try world.order("BUY")
        let done = try #require(world.settled(command, within: 20), "log: \(world.log)")
        #expect(done.status == .acknowledged)
        let clientOrderID = try command.clientOrderID.value
        #expect(world.exchangeOrders(clientOrderID) == 1)
        let placedAt = try #require(world.sim.withExchange { exchange in exchange.orders.values.first { $0.clientOrderId == clientOrderID }?.time })
        #expect(placedAt >= limitedAt + 2_900, "the order left \(placedAt - limitedAt) ms after the 429 window opened")
        // One request met the 429; every other one waited, so the simulator never had reason to ban.
        let refusals = world.sim.rateLimitRefusals
        #expect(refusals.tooMany == 1 && refusals.banned == 0, "429s: \(refusals.tooMany), 418s: \(refusals.banned)")
        #expect(world.stopBot() == 0)
    }

    @Test("rate limits: the weight thresholds are announced, stop holds every request back, control commands still run")
    func weightThresholds() throws {
        let world = try BotWorld(botArguments: ["--reconcile-ms", "50", "--weight-thresholds", "60,120,240"])
        try world.startBot()
        #expect(eventually(within: 15) { world.log.contains(": stop (thresholds 60/120/240)") }, "log: \(world.log)")
        #expect(world.log.contains(": warn (") && world.log.contains(": slow ("))
        // At stop nothing leaves, so Binance never answered 429; a pause needs no request and still runs.
        #expect(world.settled(try world.command(.pauseEngine))?.status == .acknowledged, "log: \(world.log)")
        #expect(world.sim.rateLimitRefusals.tooMany == 0)
        #expect(world.stopBot() == 0)
    }

    @Test("UC-08 / 2.5.3: the stream drops and its events are lost → the fill is recovered over REST")
    func streamDroppedFillsByREST() throws {
        let world = try BotWorld()
        try world.startBot()
        #expect(eventually(within: 10) { world.count(.webSocketConnected) == 1 })
        try world.control("faults", #"{"fault":"drop_events","count":1000}"#)
        try world.control("streams/drop")
        let command = try world.order("BUY")
        #expect(world.settled(command)?.status == .acknowledged)
        #expect(eventually(within: 15) { world.storedTradeIDs() == world.ledgerTradeIDs() && world.moneyAgrees() })
        #expect(world.stored(.tradeExecuted).allSatisfy { $0.source == .rest }, "no stream event could have carried the fill")
        #expect(eventually(within: 10) { world.count(.webSocketDisconnected) >= 1 && world.count(.webSocketReconnected) >= 1 })
        #expect(world.stopBot() == 0)
    }

    @Test("a connected stream that loses messages: the order's update never comes, so its fill is fetched about a second later")
    func lossyStreamCaughtByExpectation() throws {
        let world = try BotWorld(botArguments: ["--reconcile-ms", "600000"])
        try world.startBot()
        #expect(eventually(within: 10) { world.count(.webSocketConnected) == 1 && world.count(.reconciliationPerformed) >= 1 })
        try world.control("faults", #"{"fault":"drop_events","count":1000}"#)
        #expect(world.settled(try world.order("BUY"))?.status == .acknowledged)
        #expect(eventually(within: 5) { world.storedTradeIDs() == world.ledgerTradeIDs() && world.moneyAgrees() })
        #expect(world.stored(.reconciliationPerformed).contains { $0.payload["trigger"] == "stream-silent" })
        #expect(world.stopBot() == 0)
    }

    @Test("listenKey expired → a new one is created, the stream reconnects and carries fills again")
    func listenKeyExpired() throws {
        let world = try BotWorld()
        try world.startBot()
        #expect(eventually(within: 10) { world.count(.webSocketConnected) == 1 })
        try world.control("listenKey/expire")
        #expect(eventually(within: 15) {
            world.stored(.webSocketDisconnected).contains { ($0.payload["reason"]).map { "\($0)" }?.contains("listenKey expired") == true }
                && world.count(.webSocketReconnected) == 1
        })
        let command = try world.order("BUY")
        #expect(world.settled(command)?.status == .acknowledged)
        #expect(eventually(within: 10) { world.stored(.tradeExecuted).contains { $0.source == .webSocket } })
        #expect(world.stopBot() == 0)
    }

    @Test("UC-05: bot SIGKILLed while an order is in flight and a position and a limit order are open → restart recovers all, no duplicate")
    func killedMidOrder() throws {
        let world = try BotWorld()
        try world.startBot(["--rest-timeout-ms", "6000"])
        #expect(world.settled(try world.order("BUY", quantity: "0.030"))?.status == .acknowledged)
        let resting = try world.order("SELL", "LIMIT", ["price": "60000", "timeInForce": "GTC"])
        #expect(world.settled(resting)?.status == .acknowledged)
        // The next order executes on the exchange but its answer hangs; the bot dies waiting for it.
        try world.control("faults", #"{"fault":"hang","milliseconds":5000}"#)
        let inFlight = try world.order("BUY", quantity: "0.010")
        let inFlightID = try inFlight.clientOrderID.value
        #expect(eventually(within: 10) { world.exchangeOrders(inFlightID) == 1 })
        #expect(try world.commands.command(id: inFlight.id)?.status == .sent)
        #expect(world.stopBot(SIGKILL) == SIGKILL)

        try world.startBot()
        let done = try #require(world.settled(inFlight))
        #expect(done.status == .acknowledged && done.result?["resolvedBy"] == "query")
        #expect(world.exchangeOrders(inFlightID) == 1)
        #expect(eventually(within: 15) { world.storedTradeIDs() == world.ledgerTradeIDs() && world.moneyAgrees() })
        #expect(world.projection().positions["BTCUSDT"]?.amount == Amount("0.040"))
        #expect(world.projection().orders[try resting.clientOrderID.value]?.status == .acknowledged)
        #expect(world.sim.withExchange { $0.orders.count } == 3)
        #expect(world.stopBot() == 0)
    }

    @Test("UC-04: REST failing for a while (5xx) while stream events are lost → the next reconcile recovers everything")
    func restFailuresRecovered() throws {
        let world = try BotWorld()
        try world.startBot()
        #expect(eventually(within: 10) { world.count(.reconciliationPerformed) >= 1 })
        try world.control("faults", #"{"fault":"drop_events","count":1000}"#)
        try world.control("faults", #"{"fault":"http_5xx","path":"/fapi/v1/userTrades","status":500,"count":4}"#)
        #expect(world.settled(try world.order("BUY"))?.status == .acknowledged)
        #expect(eventually(within: 20) { world.storedTradeIDs() == world.ledgerTradeIDs() && world.moneyAgrees() })
        #expect(world.stopBot() == 0)
    }

    @Test("UC-06: outside activity the stream never told us about → DriftDetected, corrected, ReconciliationPerformed")
    func driftDetectedAndCorrected() throws {
        let world = try BotWorld()
        try world.startBot()
        #expect(eventually(within: 10) { world.count(.reconciliationPerformed) >= 1 })
        try world.control("faults", #"{"fault":"drop_events","count":1000}"#)
        try world.control("order", #"{"symbol":"BTCUSDT","side":"SELL","quantity":"0.005"}"#)  // someone on Binance's own UI
        #expect(eventually(within: 15) { world.projection().positions["BTCUSDT"]?.amount == Amount("-0.005") })
        let drift = try #require(world.stored(.driftDetected).first { $0.entityID == "position:BTCUSDT" })
        #expect(drift.payload["expected"] == "-0.005")
        #expect(world.stored(.reconciliationPerformed).contains { if case .number(let n)? = $0.payload["drifts"] { Int(n) ?? 0 >= 1 } else { false } })
        #expect(eventually(within: 10) { world.storedTradeIDs() == world.ledgerTradeIDs() && world.moneyAgrees() })
        #expect(world.stopBot() == 0)
    }

    @Test("UC-07: UpdateConfig → ConfigChanged and a new version; a stale version is refused with the reason")
    func configChange() throws {
        let world = try BotWorld()
        try world.startBot()
        var config = RuntimeConfig()
        config.symbol = "BTCUSDT"
        config.strategyParams = ["fast": 5, "slow": 30]
        let done = try #require(world.settled(try world.command(.updateConfig, ["config": .object(config.json), "expectedVersion": 0])))
        #expect(done.status == .acknowledged)
        #expect(world.count(.configChanged) == 1)
        let stored = try ConfigStore(database: world.database).runtime()
        #expect(stored.version == 1 && stored.value == config)
        let stale = try #require(world.settled(try world.command(.updateConfig, ["config": .object(config.json), "expectedVersion": 0])))
        #expect(stale.status == .failed && stale.lastError?.contains("version") == true)
        #expect(world.stopBot() == 0)
    }

    @Test("2.2.1 / 2.2.2 and funding: the balance at boot, a deposit, and a funding payment stored once, to the cent")
    func balancesDepositAndFunding() throws {
        let world = try BotWorld()
        try world.startBot()
        #expect(eventually(within: 10) { world.projection().balances["USDT"]?.walletBalance == Amount("100000") })
        world.sim.deposit(Amount("250.5")!)
        #expect(eventually(within: 10) { world.projection().balances["USDT"]?.walletBalance == Amount("100250.5") })
        #expect(world.settled(try world.order("BUY", quantity: "0.100"))?.status == .acknowledged)
        world.sim.fund(rate: Amount("0.0001")!)
        #expect(eventually(within: 10) { world.count(.fundingApplied) == 1 && world.moneyAgrees() })
        let funding = try #require(world.stored(.fundingApplied).first)
        let paid = world.sim.withExchange { $0.ledger.income.first { $0.kind == .fundingFee }?.amount }
        #expect(funding.payload["amount"].map { "\($0)" }?.contains(paid?.description ?? "?") == true)
        #expect(world.stopBot() == 0)
    }
}
