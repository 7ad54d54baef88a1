import AlphaCore
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// The strategy runner and the risk guard in the real `alphaengine bot` process, against the
/// simulator, on candles the test scripts and closes one at a time.
@Suite("Strategies in the bot process: scripted candles in, exactly the expected orders out", .serialized)
struct StrategyProcessTests {
    /// sma_cross 2/3 on one-minute candles, 0.01 BTC with a 2 % stop.
    static func smaCross(_ config: inout RuntimeConfig) {
        config.strategyName = "sma_cross"
        config.strategyTimeframe = "1m"
        config.strategyParams = ["fast": 2, "slow": 3, "quantity": "0.01", "stop_pct": "0.02"]
    }

    static let falling = ["49900", "49800", "49700", "49600", "49500"]

    @Test("sma_cross: one entry at the golden cross with its stop on the exchange, one exit at the death cross, nothing else; each candle evaluated once")
    func smaCrossEntriesAndExits() throws {
        let world = try StrategyWorld()
        try world.configure(Self.smaCross)
        try world.path(Self.falling + ["49700", "49900", "50100", "50300", "50100", "49800", "49500", "49200"])
        for _ in 0..<6 { world.closeCandle() }  // the falling part closes before the bot starts
        try world.startBot()
        #expect(world.decisions().isEmpty, "the boot candle is mid-fall: no cross")
        // A user's own stop order on the symbol: the strategy's stops come and go, this one stays.
        let userStop = world.world.settled(try world.world.order("BUY", "STOP_MARKET", quantity: "0.002", ["stopPrice": "60000"]))
        #expect(userStop?.status == .acknowledged, "\(String(describing: userStop))")
        for _ in 0..<9 { #expect(world.next(), "a candle was not evaluated: \(world.world.log.suffix(3000))") }

        let decisions = world.decisions()
        #expect(decisions.map { $0.details.text("target") } == ["0.01", "0"], "\(decisions)")
        #expect(decisions.first?.details["stopLoss"] == .string("48902"))  // 2 % under the cross's close, 49 900
        #expect(world.exchangeOrders() == [
            "BUY STOP_MARKET 0.002 @60000 NEW",
            "BUY MARKET 0.01 FILLED", "SELL STOP_MARKET 0.01 @48902 reduceOnly CANCELED", "SELL MARKET 0.01 reduceOnly FILLED",
        ], "\(world.exchangeOrders())")
        #expect(world.position.isZero)
        // Every candle once, in order, with no gaps; the commands were the strategy's, at its priority.
        let times = world.evaluations().map(\.candleOpenTime)
        #expect(times == times.sorted() && Set(times).count == times.count && zip(times, times.dropFirst()).allSatisfy { $1 - $0 == 60_000 })
        let commands = try world.world.commands.list(status: nil, type: .placeOrder, limit: 100).filter { $0.actor.kind == .strategy }
        #expect(commands.count == 3 && commands.allSatisfy { $0.priority == Priority.strategy })
        #expect(eventually(within: 10) { world.world.moneyAgrees() }, "\(world.world.moneyReport())")
        #expect(world.world.stopBot() == 0)
    }

    @Test("UpdateConfig takes effect at the next candle without a restart: a new quantity, then another strategy by name")
    func configChangesWithoutRestart() throws {
        let world = try StrategyWorld()
        try world.configure(Self.smaCross)
        try world.path(Self.falling + ["49700", "49900", "50100", "50300", "50100", "49800", "50000", "50200", "50400", "50000"])
        for _ in 0..<6 { world.closeCandle() }
        try world.startBot()
        let bigger = try world.update { $0.strategyParams["quantity"] = "0.02" }
        #expect(bigger?.status == .acknowledged, "\(bigger?.lastError ?? "not settled")")
        for _ in 0..<6 { #expect(world.next()) }  // 49700, 49900 (golden cross), 50100, 50300, 50100, 49800 (death cross)
        let switched = try world.update {
            $0.strategyName = "ma_trend"
            $0.strategyParams = ["fast": 2, "slow": 3, "quantity": "0.01", "stop_pct": "0.02"]
        }
        #expect(switched?.status == .acknowledged, "\(switched?.lastError ?? "not settled")")
        for _ in 0..<4 { #expect(world.next()) }  // 50000 (downtrend), 50200 (uptrend), 50400, 50000 (downtrend)
        #expect(world.decisions().map { "\($0.strategy) \($0.details.text("target"))" } == [
            "sma_cross 0.02", "sma_cross 0", "ma_trend 0.01", "ma_trend 0",
        ], "\(world.decisions())")
        #expect(world.exchangeOrders() == [
            "BUY MARKET 0.02 FILLED", "SELL STOP_MARKET 0.02 @48902 reduceOnly CANCELED", "SELL MARKET 0.02 reduceOnly FILLED",
            "BUY MARKET 0.01 FILLED", "SELL STOP_MARKET 0.01 @49196 reduceOnly CANCELED", "SELL MARKET 0.01 reduceOnly FILLED",
        ], "\(world.exchangeOrders())")
        // One process the whole time: the engine started once.
        #expect(world.world.count(.engineStarted) == 1)
        #expect(world.world.stopBot() == 0)
    }

    @Test("A strategy that throws, decides nonsense or runs too long puts the engine in SAFE with an event saying why; the bot keeps serving commands",
          arguments: ["throw", "nonsense", "slow"])
    func misbehavingStrategyMeansSafe(fault: String) throws {
        let world = try StrategyWorld()
        try world.configure {
            $0.strategyName = "sim_fault"
            $0.strategyTimeframe = "1m"
            $0.strategyParams = ["after": 2, "fault": .string(fault)]
        }
        try world.startBot()  // the boot candle is the first
        world.closeCandle()
        #expect(eventually(within: 15) { world.world.projection().status.engineState == .safe }, "\(world.world.log.suffix(2000))")
        let why = world.world.stored(.engineModeChanged).compactMap { try? EngineModePayload(json: $0.payload) }
        let expected = ["throw": "threw on purpose", "nonsense": "an entry without a protective stop", "slow": "ms to decide; the limit is"][fault]!
        #expect(why.count == 1 && why[0].mode == .safe && why[0].reason.contains(expected), "\(why)")
        // Still serving: reconcile and leverage are carried out, a new order is refused by the engine state, not lost.
        let reconcile = try world.world.command(.runReconcile)
        let leverage = try world.world.command(.setLeverage, ["symbol": "BTCUSDT", "leverage": 3])
        let order = try world.world.order("BUY")
        #expect(world.world.settled(reconcile)?.status == .acknowledged)
        #expect(world.world.settled(leverage)?.status == .acknowledged)
        #expect(world.world.settled(order)?.lastError?.contains("ENGINE_SAFE") == true)
        // SAFE stops the strategy: later candles are not evaluated, and nothing was ordered.
        let evaluated = world.evaluated
        world.closeCandle()
        Thread.sleep(forTimeInterval: 1)
        #expect(world.evaluated == evaluated)
        #expect(world.exchangeOrders().isEmpty)
        #expect(world.world.stopBot() == 0)
    }

    @Test("Strategy state survives SIGKILL and a restart; no candle is acted on twice, not even the one whose orders went out just before the kill")
    func stateSurvivesKill() throws {
        let counting = try StrategyWorld()
        try counting.configure {
            $0.strategyName = "sim_fault"
            $0.strategyTimeframe = "1m"
            $0.strategyParams = ["after": 10_000]
        }
        try counting.startBot()
        for _ in 0..<3 { #expect(counting.next()) }
        counting.world.stopBot(SIGKILL)
        counting.closeCandle()
        counting.closeCandle()  // two candles close while the bot is down: only the newest is evaluated at boot
        try counting.startBot()
        #expect(counting.next())
        let evaluations = counting.evaluations()
        #expect(evaluations.map { $0.state.text("candles") } == (1...6).map { String($0) },
                "\(evaluations.map { "\($0.candleOpenTime): \($0.state.text("candles"))" })")
        #expect(Set(evaluations.map(\.candleOpenTime)).count == evaluations.count)
        counting.world.stopBot()

        let trading = try StrategyWorld()
        try trading.configure(Self.smaCross)
        try trading.path(Self.falling + ["49700", "49900"])
        for _ in 0..<6 { trading.closeCandle() }
        try trading.startBot()
        #expect(trading.next() && trading.next())  // 49900 is the golden cross
        #expect(trading.exchangeOrders() == ["BUY MARKET 0.01 FILLED", "SELL STOP_MARKET 0.01 @48902 reduceOnly NEW"])
        trading.world.stopBot(SIGKILL)
        let evaluatedBefore = trading.evaluated
        try trading.startBot(evaluatesAtBoot: false)  // the boot's newest closed candle is the cross: already acted on
        Thread.sleep(forTimeInterval: 1)
        #expect(trading.evaluated == evaluatedBefore)
        #expect(trading.next())
        #expect(trading.exchangeOrders() == ["BUY MARKET 0.01 FILLED", "SELL STOP_MARKET 0.01 @48902 reduceOnly NEW"])
        #expect(trading.decisions().count == 1)
        #expect(eventually(within: 10) { trading.world.moneyAgrees() }, "\(trading.world.moneyReport())")
        trading.world.stopBot()
    }

    /// One risk limit, the golden cross at 49 900 with a 2 % stop, and the rule that must refuse it.
    struct RiskCase: Sendable, CustomTestStringConvertible {
        let rule: String
        let quantity: String
        let limit: @Sendable (inout RuntimeConfig) -> Void
        var testDescription: String { rule }
    }

    static let riskCases: [RiskCase] = [
        RiskCase(rule: "MAX_POSITION", quantity: "0.01") { $0.maxPosition = Amount("0.005") },
        RiskCase(rule: "MAX_LEVERAGE", quantity: "3") { $0.maxLeverage = 1 },  // 3 × 49 900 over 100 000
        RiskCase(rule: "MAX_RISK_PER_TRADE", quantity: "1") { $0.maxRiskPerTrade = Amount("0.005")! },  // 998 over 100 000
    ]

    @Test("Each risk limit refuses the strategy's entry with its rule, the figure and the limit, and nothing is sent", arguments: riskCases)
    func riskRuleRefusesEntry(_ risk: RiskCase) throws {
        let world = try StrategyWorld()
        try world.configure {
            Self.smaCross(&$0)
            $0.strategyParams["quantity"] = .string(risk.quantity)
            risk.limit(&$0)
        }
        try world.path(Self.falling + ["49700", "49900", "50100"])
        for _ in 0..<6 { world.closeCandle() }
        try world.startBot()
        for _ in 0..<3 { #expect(world.next()) }
        let refusals = world.rejections()
        #expect(refusals.map(\.rule) == [risk.rule], "\(refusals)")
        #expect(refusals.first?.actor == "strategy:sma_cross" && refusals.first?.measured != nil && refusals.first?.limit != nil)
        #expect(world.decisions().count == 1 && world.decisions()[0].commandIDs.isEmpty)
        #expect(world.exchangeOrders().isEmpty)
        world.world.stopBot()
    }

    @Test("With guard_manual_orders, users' orders meet the limits too: another symbol and the order rate are refused, what is within them goes out")
    func manualOrdersGuarded() throws {
        let world = try StrategyWorld()
        try world.configure {
            $0.guardManualOrders = true
            $0.maxOrdersPerMinute = 2
        }
        try world.world.startBot()
        let other = try world.world.command(.placeOrder, ["symbol": "ETHUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.1"])
        #expect(world.world.settled(other)?.lastError?.contains("SYMBOL_NOT_ALLOWED") == true)
        let first = try world.world.order("BUY"), second = try world.world.order("BUY"), third = try world.world.order("BUY")
        #expect(world.world.settled(first)?.status == .acknowledged && world.world.settled(second)?.status == .acknowledged)
        #expect(world.world.settled(third)?.lastError?.contains("ORDER_RATE") == true, "\(String(describing: world.world.settled(third)))")
        // Closing is never refused by a limit.
        let close = try world.world.command(.closePosition, ["symbol": "BTCUSDT"])
        #expect(world.world.settled(close)?.status == .acknowledged)
        #expect(world.rejections().map(\.rule) == ["SYMBOL_NOT_ALLOWED", "ORDER_RATE"])
        world.world.stopBot()
    }

    @Test("The daily loss limit: losing past it pauses the engine with a RiskGuardRejected, and the strategy's next cross is not acted on")
    func dailyLossLimitPauses() throws {
        let world = try StrategyWorld()
        try world.configure {
            Self.smaCross(&$0)
            $0.dailyLossLimit = Amount("0.0001")!  // 10 USDT of 100 000
        }
        try world.path(Self.falling + ["49700", "49900"])
        for _ in 0..<2 { world.closeCandle() }
        try world.startBot()
        // A user's losing round trip: 0.1 BTC bought at 49 800, sold at 49 600 (20 USDT and fees).
        #expect(world.world.settled(try world.world.order("BUY", quantity: "0.100"))?.status == .acknowledged)
        world.closeCandle()
        world.closeCandle()
        #expect(world.world.settled(try world.world.order("SELL", quantity: "0.100"))?.status == .acknowledged)
        #expect(eventually(within: 15) { world.world.projection().status.engineState == .paused }, "\(world.world.log.suffix(2000))")
        #expect(world.rejections().map(\.rule) == ["DAILY_LOSS_LIMIT"])
        #expect(world.world.projection().status.engineReason?.contains("until the next UTC day") == true)
        for _ in 0..<3 { world.closeCandle() }  // the golden cross at 49 900 comes and goes
        Thread.sleep(forTimeInterval: 1)
        #expect(world.decisions().isEmpty && world.exchangeOrders().count == 2)
        world.world.stopBot()
    }

    @Test("grid: the position follows the lines above each close, each change with its stop resized, flat above the grid")
    func gridFollowsLines() throws {
        let world = try StrategyWorld()
        try world.configure {
            $0.strategyName = "grid"
            $0.strategyTimeframe = "1m"
            $0.strategyParams = ["lower": "49000", "upper": "51000", "levels": 4, "quantity": "0.01", "stop_pct": "0.02"]
        }
        try world.path(["50200", "49700", "50700", "51200"])  // lines 49000, 49500, 50000, 50500, 51000; stop 48020
        world.closeCandle()  // the candle in progress when the path was set
        world.closeCandle()
        try world.startBot()  // 50 200: two lines above
        for _ in 0..<3 { #expect(world.next()) }  // 49 700: three; 50 700: one; 51 200: none
        #expect(world.decisions().map { $0.details.text("target") } == ["0.02", "0.03", "0.01", "0"], "\(world.decisions())")
        #expect(world.exchangeOrders() == [
            "BUY MARKET 0.02 FILLED", "SELL STOP_MARKET 0.02 @48020 reduceOnly CANCELED",
            "BUY MARKET 0.01 FILLED", "SELL STOP_MARKET 0.03 @48020 reduceOnly CANCELED",
            "SELL MARKET 0.02 reduceOnly FILLED", "SELL STOP_MARKET 0.01 @48020 reduceOnly CANCELED",
            "SELL MARKET 0.01 reduceOnly FILLED",
        ], "\(world.exchangeOrders())")
        // The last fill's trade may still be on its way from the stream when its command is acknowledged.
        #expect(world.position.isZero && eventually(within: 10) { world.world.moneyAgrees() }, "\(world.world.moneyReport())")
        world.world.stopBot()
    }

    @Test("turtle: a breakout enters one ATR-sized unit with its stop 2 N below, a close under the exit channel leaves")
    func turtleBreakout() throws {
        let world = try StrategyWorld()
        try world.configure {
            $0.strategyName = "turtle"
            $0.strategyTimeframe = "1m"
            $0.strategyParams = ["entry": 5, "exit": 3, "atr": 5, "risk": "0.001", "stop_atr": "2", "direction": "long"]
        }
        try world.path(Array(repeating: "50000", count: 7) + ["50100", "50200", "50300", "50400", "50090"])
        for _ in 0..<8 { world.closeCandle() }  // the candle in progress, then flat: no range, no N, no entry
        try world.startBot()
        // 50 100 breaks out; 50 090 is under the 3-candle low 50 100 and above the stop.
        for _ in 0..<5 { #expect(world.next()) }
        let decisions = world.decisions()
        #expect(decisions.count == 2 && decisions.last?.details.text("target") == "0", "\(decisions)")
        let unit = try #require(decisions.first.flatMap { Amount($0.details.text("target")) })
        let stop = try #require(decisions.first.flatMap { Amount($0.details.text("stopLoss")) })
        // N is 20 (one true range of 100 over five candles): 100 000 × 0.001 / 20 = 5 BTC, stop 50 100 − 2 × 20.
        #expect(unit == Amount(5) && stop == Amount(50_060))
        #expect(world.exchangeOrders() == ["BUY MARKET 5 FILLED", "SELL STOP_MARKET 5 @50060 reduceOnly CANCELED", "SELL MARKET 5 reduceOnly FILLED"],
                "\(world.exchangeOrders())")
        #expect(world.position.isZero && eventually(within: 10) { world.world.moneyAgrees() }, "\(world.world.moneyReport())")
        world.world.stopBot()
    }

    @Test("A dead bot leaves no naked position: killed after an entry, its stop on the exchange closes the position; the restarted bot agrees")
    func stopProtectsDeadBot() throws {
        let world = try StrategyWorld()
        try world.configure(Self.smaCross)
        try world.path(Self.falling + ["49700", "49900", "48800"])
        for _ in 0..<6 { world.closeCandle() }
        try world.startBot()
        #expect(world.next() && world.next())  // 49 900: the golden cross, long 0.01 with a stop at 48 902
        world.world.stopBot(SIGKILL)
        world.closeCandle()  // 48 800, under the stop, while nobody watches
        #expect(world.position.isZero)
        #expect(world.exchangeOrders() == ["BUY MARKET 0.01 FILLED", "SELL STOP_MARKET 0.01 @48902 reduceOnly FILLED"],
                "\(world.exchangeOrders()) \(((try? world.world.commands.list(status: nil, type: nil, limit: 20)) ?? []).map { "\($0.type) \($0.status) \($0.lastError ?? "")" })")
        try world.startBot(evaluatesAtBoot: true)  // the 48 800 candle: flat already, nothing to do
        #expect(eventually(within: 15) { world.world.projection().positions["BTCUSDT"]?.amount.isZero == true })
        #expect(world.decisions().count == 1 && eventually(within: 10) { world.world.moneyAgrees() }, "\(world.world.moneyReport())")
        world.world.stopBot()
    }

    @Test("volatility_breakout on hourly candles: long once a close breaks today's open + k × yesterday's range, out at midnight KST")
    func volatilityBreakoutKST() throws {
        let world = try StrategyWorld(historyDays: 3)
        try world.configure {
            $0.strategyName = "volatility_breakout"
            $0.strategyTimeframe = "1h"
            $0.strategyParams = ["k": "0.5", "zone": "Asia/Seoul", "quantity": "0.01", "stop_pct": "0.02"]
        }
        let kstMidnight: (Int64) -> Bool = { ($0 + 9 * 3_600_000) % 86_400_000 == 0 }
        // The market runs on the wall clock: when the entry hour (the one after the hour in
        // progress) would itself end at 00:00 KST, the day would end with the entry, so that hour
        // passes first (the test failed every day from 13:00 to 14:00 UTC).
        let hourInProgressEnds = (world.world.sim.marketNow() / 3_600_000 + 1) * 3_600_000
        if kstMidnight(hourInProgressEnds + 3_600_000) { world.closeHour() }
        // The next hour closes 20 000 higher (far past any day's range here), and the price holds there.
        let price = try #require(world.world.sim.withExchange { $0.prices["BTCUSDT"] })
        try world.world.control("market/path", #"{"symbol":"BTCUSDT","interval":"1h","closes":["\#(price + Amount(20_000))"],"after":"hold"}"#)
        world.closeHour()  // the hour in progress, at the old price
        try world.startBot()
        let evaluatedAtBoot = world.evaluations().count
        var hours = 0
        repeat {
            #expect(world.next(world.closeHour), "an hour was not evaluated: \(world.world.log.suffix(2000))")
            hours += 1
        } while !world.evaluations().dropFirst(evaluatedAtBoot).contains(where: { kstMidnight($0.candleOpenTime + 3_600_000) }) && hours < 30
        let decisions = world.decisions()
        #expect(decisions.map { $0.details.text("target") } == ["0.01", "0"], "\(decisions)")
        // The exit is on the hour that ends at 00:00 KST, and the entry on the day before it.
        let exit = try #require(decisions.last)
        #expect(kstMidnight(exit.candleOpenTime + 3_600_000) && exit.reason == "the day of the entry has ended")
        #expect(decisions.first.map { exit.candleOpenTime - $0.candleOpenTime < 86_400_000 } == true)
        #expect(world.exchangeOrders().count == 3 && world.exchangeOrders().last == "SELL MARKET 0.01 reduceOnly FILLED", "\(world.exchangeOrders())")
        #expect(world.position.isZero && eventually(within: 10) { world.world.moneyAgrees() }, "\(world.world.moneyReport())")
        world.world.stopBot()
    }
}
