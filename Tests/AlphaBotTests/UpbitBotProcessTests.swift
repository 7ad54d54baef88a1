import AlphaCore
import AlphaSim
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// The real bot process with `exchange: upbit` against the Upbit simulator (issue 18): the same
/// event store, commands and guarantees as on Binance, with spot holdings as the position.
@Suite("Bot on Upbit (real process)", .serialized)
struct UpbitBotProcessTests {
    @Test("orders by command: a market buy by KRW, a resting limit cancelled, a market sell; the store agrees with Upbit to the won")
    func manualOrders() throws {
        let world = try UpbitBotWorld()
        try world.startBot()
        #expect(eventually(within: 20) { world.projection().balances["KRW"]?.walletBalance == Amount(10_000_000) }, "\(world.log.suffix(3000))")
        let buy = try #require(world.settled(try world.order("BUY", quantity: "0.001")))
        #expect(buy.status == .acknowledged, "\(buy.lastError ?? "")")
        let limit = try #require(world.settled(try world.order("BUY", "LIMIT", quantity: "0.002", ["price": "135000000", "timeInForce": "GTC"])))
        #expect(limit.status == .acknowledged, "\(limit.lastError ?? "")")
        let orderID = try #require(world.projection().orders.values.first { $0.status == .acknowledged && $0.type == .limit }?.clientOrderID)
        #expect(world.exchangeOrders(orderID) == 1)
        let cancel = try #require(world.settled(try world.command(.cancelOrder, ["symbol": "KRW-BTC", "clientOrderId": .string(orderID)])))
        #expect(cancel.status == .acknowledged, "\(cancel.lastError ?? "")")
        world.sim.setPrice(Amount(141_000_000), market: "KRW-BTC")
        let sell = try #require(world.settled(try world.order("SELL", quantity: "0.001")))
        #expect(sell.status == .acknowledged, "\(sell.lastError ?? "")")
        #expect(eventually(within: 15) { world.moneyAgrees() && world.storedTradeIDs() == world.ledgerTradeIDs() },
                "\(world.moneyReport()); trades \(world.storedTradeIDs()) vs \(world.ledgerTradeIDs())")
        // Bought 0.001 at 140 000 000 (140 070 with the 0.05 % fee) and sold at 141 000 000 (140 929.5 after it).
        #expect(world.sim.withExchange { $0.holding("KRW").balance } == Amount("10000859.5")!)
        // Upbit reports no realized PnL: the sale's 1 000 000 over the average buy price, on 0.001.
        #expect(world.projection().pnl.values.reduce(Amount.zero) { $0 + $1.realizedPnl } == Amount(1000))
        #expect(world.stopBot() == 0)
    }
}

/// `volatility_breakout` on KRW-BTC hourly candles through the real bot on Upbit (issue 18, seed
/// 003): the test moves the simulator's market clock an hour at a time and scripts the price.
@Suite("volatility_breakout on Upbit (real process)", .serialized)
struct UpbitVolatilityBreakoutTests {
    static let hour: Int64 = 3_600_000

    /// A world whose bot runs volatility_breakout (k 0.5, KST days, 0.01 BTC, a 2 % stop) on 1h
    /// candles, started after the hour in progress closed; `risk` edits the limits first.
    static func started(_ risk: (inout RuntimeConfig) -> Void = { _ in }) throws -> UpbitBotWorld {
        let world = try UpbitBotWorld(historyDays: 3)
        try world.configure {
            $0.strategyName = "volatility_breakout"
            $0.strategyTimeframe = "1h"
            $0.strategyParams = ["k": "0.5", "zone": "Asia/Seoul", "quantity": "0.01", "stop_pct": "0.02"]
            risk(&$0)
        }
        // When the entry hour (the one after the hour in progress) would itself end the KST day,
        // the day would end with the entry: that hour passes first.
        if kstMidnight(hourInProgressEnds(world) + hour) { closeHour(world) }
        closeHour(world)
        try world.startBot()
        #expect(eventually(within: 30) { evaluations(world) > 0 && settled(world) }, "no boot evaluation: \(world.log.suffix(3000))")
        return world
    }

    static func kstMidnight(_ time: Int64) -> Bool { (time + 9 * hour) % 86_400_000 == 0 }
    static func hourInProgressEnds(_ world: UpbitBotWorld) -> Int64 { (world.sim.marketNow() / hour + 1) * hour }
    static func closeHour(_ world: UpbitBotWorld) { world.sim.advanceMarket(milliseconds: hourInProgressEnds(world) - world.sim.marketNow()) }
    static func evaluations(_ world: UpbitBotWorld) -> Int { world.stored(.strategyEvaluated).count }
    static func settled(_ world: UpbitBotWorld) -> Bool {
        ((try? world.commands.countsByStatus()) ?? [:]).filter { $0.key == .new || $0.key == .sent }.values.reduce(0, +) == 0
    }
    static func decisions(_ world: UpbitBotWorld) -> [DecisionMadePayload] {
        world.stored(.decisionMade).compactMap { try? DecisionMadePayload(json: $0.payload) }
    }

    /// Closes the hour in progress and waits until the bot evaluated it and its commands settled.
    static func nextHour(_ world: UpbitBotWorld) -> Bool {
        let before = evaluations(world)
        closeHour(world)
        return eventually(within: 20) { evaluations(world) > before && settled(world) }
    }

    /// The hour in progress trades 20 000 000 above the price (far past any day's range here),
    /// and closes there.
    static func breakout(_ world: UpbitBotWorld) throws -> Amount {
        let price = try #require(world.sim.withExchange { $0.prices["KRW-BTC"] }) + Amount(20_000_000)
        world.sim.setPrice(price, market: "KRW-BTC")
        #expect(nextHour(world), "the breakout hour was not evaluated: \(world.log.suffix(3000))")
        return price
    }

    /// The exchange's orders, oldest first, as "side kind state".
    static func exchangeOrders(_ world: UpbitBotWorld) -> [String] {
        world.sim.withExchange { exchange in exchange.placed.compactMap { exchange.orders[$0] }.map { "\($0.side.rawValue) \($0.kind.rawValue) \($0.state.rawValue)" } }
    }

    @Test("buys once on the breakout, sells at the KST day boundary; the fees are in the won")
    func breakoutThenKSTDayEnd() throws {
        let world = try Self.started()
        let price = try Self.breakout(world)
        #expect(Self.decisions(world).map { $0.details.text("target") } == ["0.01"], "\(Self.decisions(world))")
        #expect(eventually(within: 10) { world.projection().positions["KRW-BTC"]?.amount == Amount("0.01") })
        var hours = 0
        while !Self.decisions(world).contains(where: { $0.details.text("target") == "0" }), hours < 26 {
            #expect(Self.nextHour(world), "an hour was not evaluated: \(world.log.suffix(2000))")
            hours += 1
        }
        let decisions = Self.decisions(world)
        #expect(decisions.map { $0.details.text("target") } == ["0.01", "0"], "\(decisions)")
        let exit = try #require(decisions.last)
        #expect(Self.kstMidnight(exit.candleOpenTime + Self.hour) && exit.reason == "the day of the entry has ended")
        #expect(Self.exchangeOrders(world) == ["bid price done", "ask market done"], "\(Self.exchangeOrders(world))")
        // 0.01 bought and sold at the same price: only the two fees of 0.05 % are gone.
        let fees = Amount("0.01")! * price * Amount("0.0005")! * Amount(2)
        #expect(eventually(within: 10) { world.moneyAgrees() && world.sim.withExchange { $0.holding("KRW").balance } == Amount(10_000_000) - fees },
                "\(world.moneyReport())")
        #expect(world.stopBot() == 0)
    }

    @Test("the risk guard holds the breakout to the configured limits: a position over max_position is refused and nothing is sent")
    func riskGuardRefuses() throws {
        let world = try Self.started { $0.maxPosition = Amount("0.005") }
        _ = try Self.breakout(world)
        let refusals = world.stored(.riskGuardRejected).compactMap { try? RiskGuardRejectedPayload(json: $0.payload) }
        #expect(refusals.map(\.rule) == ["MAX_POSITION"], "\(refusals)")
        #expect(Self.exchangeOrders(world).isEmpty)
        #expect(world.stopBot() == 0)
    }

    @Test("Upbit holds no stop orders: the bot watches the 2 % stop and sells when the price falls through it, once, across a restart")
    func stopWatchedByTheBot() throws {
        let world = try Self.started()
        let price = try Self.breakout(world)
        #expect(eventually(within: 10) { world.projection().positions["KRW-BTC"]?.amount == Amount("0.01") })
        #expect(Self.exchangeOrders(world) == ["bid price done"], "no stop order is sent to Upbit: \(Self.exchangeOrders(world))")
        // A restart in between: the stop is read back from the decision that set it.
        #expect(world.stopBot() == 0)
        try world.startBot()
        world.sim.setPrice(price * Amount("0.97")!, market: "KRW-BTC")
        #expect(eventually(within: 20) { world.projection().positions["KRW-BTC"] == nil || world.projection().positions["KRW-BTC"]?.amount == .zero },
                "\(world.log.suffix(3000))")
        let exit = try #require(Self.decisions(world).last)
        #expect(exit.details.text("target") == "0" && exit.reason.hasPrefix("stop-loss"), "\(exit)")
        #expect(eventually(within: 10) { world.moneyAgrees() }, "\(world.moneyReport())")
        // Restarted again after the exit: nothing more is sent.
        #expect(world.stopBot() == 0)
        try world.startBot()
        #expect(eventually(within: 20) { Self.settled(world) && world.log.components(separatedBy: "running (upbit").count == 4 })
        #expect(Self.exchangeOrders(world) == ["bid price done", "ask market done"], "\(Self.exchangeOrders(world))")
        #expect(world.stopBot() == 0)
    }
}

/// The bot's own reconcile interval is long here (30 s, the runtime configuration's default):
/// what the holdings are after a fill must come from the stream's word that they changed.
@Suite("Bot on Upbit: holdings after a fill", .serialized)
struct UpbitHoldingsTests {
    @Test("a market buy's coin is on the dashboard's position within seconds, not at the next scheduled reconcile")
    func holdingsFollowTheStream() throws {
        let world = try UpbitBotWorld()
        world.botArguments = ["--not-found-grace-ms", "800"]
        try world.startBot()
        #expect(eventually(within: 20) { world.projection().balances["KRW"]?.walletBalance == Amount(10_000_000) }, "\(world.log.suffix(3000))")
        let driftsBefore = world.stored(.driftDetected).count
        let buy = try #require(world.settled(try world.order("BUY", quantity: "0.001")))
        #expect(buy.status == .acknowledged)
        #expect(eventually(within: 5) { world.projection().positions["KRW-BTC"]?.amount == Amount("0.001") && world.moneyAgrees() }, "\(world.moneyReport())")
        #expect(world.stored(.reconciliationPerformed).contains { $0.payload["trigger"] == "holdings-changed" })
        // Read because the stream said so, the new holdings are an update, not a drift to alarm anyone.
        #expect(world.stored(.driftDetected).count == driftsBefore, "\(world.stored(.driftDetected).map(\.payload))")
        #expect(world.stopBot() == 0)
    }
    @Test("the stream silent after our market buy: the reconcile that reads the account records the new holdings as that order's change, not a drift")
    func silentStreamAfterOurOrder() throws {
        let world = try UpbitBotWorld()
        world.botArguments = ["--not-found-grace-ms", "800"]
        try world.startBot()
        #expect(eventually(within: 20) { world.projection().balances["KRW"]?.walletBalance == Amount(10_000_000) }, "\(world.log.suffix(3000))")
        let driftsBefore = world.stored(.driftDetected).count
        try world.control("faults", #"{"fault":"drop_events","count":20}"#)
        let buy = try #require(world.settled(try world.order("BUY", quantity: "0.001")))
        #expect(buy.status == .acknowledged)
        #expect(eventually(within: 10) { world.projection().positions["KRW-BTC"]?.amount == Amount("0.001") && world.moneyAgrees() }, "\(world.moneyReport())")
        #expect(world.stored(.reconciliationPerformed).contains { $0.payload["trigger"] == "stream-silent" })
        #expect(world.stored(.driftDetected).count == driftsBefore, "\(world.stored(.driftDetected).map(\.payload))")
        #expect(world.stopBot() == 0)
    }
}
