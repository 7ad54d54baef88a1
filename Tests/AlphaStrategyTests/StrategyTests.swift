import AlphaCore
import AlphaStrategy
import Testing

@Suite("Shipped strategies on scripted candles: exactly the expected entries and exits, each entry with its stop")
struct StrategyTests {
    static let crossCloses: [Amount] = [100, 100, 100, 100, 100, 100, 101, 102, 103, 100, 97, 94]

    @Test("sma_cross: long at the golden cross with a stop 2 % below, flat at the death cross, nothing in between")
    func smaCrossLong() throws {
        let (strategy, parameters) = try make("sma_cross", ["fast": 2, "slow": 4])
        let steps = try ScriptedMarket(closes: Self.crossCloses).run(strategy, parameters: parameters)
        #expect(steps.map(\.index) == [6, 10])
        #expect(steps.map { $0.output.decisions[0].target } == [Amount("0.01")!, .zero])
        #expect(steps[0].output.decisions[0].stopLoss == Amount("98.98")!)
        #expect(steps[0].output.signals.map(\.name) == ["golden_cross"])
        #expect(steps[1].output.signals.map(\.name) == ["death_cross"])
        #expect(steps[1].output.state["last_cross"] == "down")
    }

    @Test("sma_cross with direction both: the death cross reverses to short, its stop above the price")
    func smaCrossBoth() throws {
        let (strategy, parameters) = try make("sma_cross", ["fast": 2, "slow": 4, "direction": "both"])
        let steps = try ScriptedMarket(closes: Self.crossCloses).run(strategy, parameters: parameters)
        #expect(steps.map(\.index) == [6, 10])
        #expect(steps[1].output.decisions[0].target == Amount("-0.01")!)
        #expect(steps[1].output.decisions[0].stopLoss == Amount("98.94")!)
    }

    @Test("sma_cross decides the same from the same snapshot (pure), and warms up without deciding")
    func deterministic() throws {
        let (strategy, parameters) = try make("sma_cross", ["fast": 2, "slow": 4])
        let market = ScriptedMarket(closes: Self.crossCloses)
        let snapshot = StrategySnapshot(symbol: "BTCUSDT", timeframe: market.timeframe, time: market.candles[6].closeTime + 1,
                                        candles: [market.timeframe: Array(market.candles[0...6])], lastPrice: 101,
                                        equity: 10_000, availableBalance: 10_000, parameters: parameters)
        #expect(try strategy.decide(snapshot) == strategy.decide(snapshot))
        var early = snapshot
        early.candles = [market.timeframe: market.candles[0...2]]
        let output = try strategy.decide(early)
        #expect(output.decisions.isEmpty)
        #expect(output.signals.map(\.name) == ["warming_up"])
    }

    @Test("the SMA now and a candle before, summed once, equal two separate averages, for every period the candles allow")
    func smaNowAndBefore() {
        let closes: [Amount] = [100, Amount("100.5")!, 99, Amount("101.25")!, 103, 97, Amount("0.001")!, 250, 250, Amount("98.7")!]
        let candles = ScriptedMarket(closes: closes).candles[...]
        for period in 1...closes.count {
            let pair = Indicators.smaNowAndBefore(candles, period: period)
            if period == closes.count {
                #expect(pair == nil, "one candle short for the earlier average")
                continue
            }
            #expect(pair?.now == Indicators.sma(candles, period: period) && pair?.before == Indicators.sma(candles, period: period, offset: 1),
                    "period \(period)")
        }
    }

    @Test("ma_trend follows the regime: long while the fast SMA is above, out when it is not")
    func maTrend() throws {
        let (strategy, parameters) = try make("ma_trend", ["fast": 2, "slow": 4])
        let steps = try ScriptedMarket(closes: Self.crossCloses).run(strategy, parameters: parameters)
        #expect(steps.map(\.index) == [6, 9])
        #expect(steps.map { $0.output.decisions[0].target } == [Amount("0.01")!, .zero])
        // Started inside an uptrend it enters on its first full window …
        let rising = ScriptedMarket(closes: .ramp(from: 100, step: 1, count: 8))
        let entered = try rising.run(strategy, parameters: parameters)
        #expect(entered.map(\.index) == [3])
        // … and after a stop-out (flat, same regime) it does not buy again until the next cross.
        let after = StrategySnapshot(symbol: "BTCUSDT", timeframe: rising.timeframe, time: rising.candles[6].closeTime + 1,
                                     candles: [rising.timeframe: Array(rising.candles[3...6])], lastPrice: 106,
                                     equity: 10_000, availableBalance: 10_000, state: entered[0].output.state, parameters: parameters)
        #expect(try strategy.decide(after).decisions.isEmpty)
    }

    /// Day A (KST): 24 hourly candles between 950 and 1050; day B opens at 1000 and closes 1049 at
    /// hour 5, 1055 from hour 6. The first candle opens at 00:00 KST (15:00 UTC).
    static func breakoutMarket() -> ScriptedMarket {
        let start: Int64 = 1_767_225_600_000 + 15 * 3_600_000
        let hour: Int64 = 3_600_000
        var candles: [Candle] = []
        for index in 0..<72 {
            let time = start + Int64(index) * hour
            let (open, high, low, close): (Amount, Amount, Amount, Amount)
            switch index {
            case ..<24: (open, high, low, close) = (1000, 1050, 950, 1000)
            case 24..<29: (open, high, low, close) = (1000, 1000, 1000, 1000)
            case 29: (open, high, low, close) = (1000, 1049, 1000, 1049)
            case 30: (open, high, low, close) = (1049, 1055, 1049, 1055)
            default: (open, high, low, close) = (1055, 1055, 1055, 1055)
            }
            candles.append(Candle(openTime: time, closeTime: time + hour - 1, open: open, high: high, low: low, close: close))
        }
        return ScriptedMarket(candles: candles, timeframe: Timeframe("1h")!)
    }

    @Test("volatility_breakout (KST): long when the close reaches open + 0.5 × yesterday's range, out at KST midnight, once a day")
    func volatilityBreakoutKST() throws {
        let (strategy, parameters) = try make("volatility_breakout", ["k": "0.5"])
        let steps = try Self.breakoutMarket().run(strategy, parameters: parameters)
        // Entry at hour 6 of day B (1055 ≥ 1000 + 0.5 × 100); exit when day B ends (the close of
        // candle 47, at 00:00 KST); day C's range is 55 and its price never moves, so no entry.
        #expect(steps.map(\.index) == [30, 47])
        #expect(steps.map { $0.output.decisions[0].target } == [Amount("0.01")!, .zero])
        #expect(steps[0].output.signals[0].values["trigger"] == .amount(1050))
        #expect(steps[0].output.decisions[0].stopLoss == Amount("1033.9")!)
    }

    @Test("volatility_breakout's day boundary follows its zone: in UTC the same position is closed at UTC midnight")
    func volatilityBreakoutUTC() throws {
        let (strategy, parameters) = try make("volatility_breakout", ["zone": "UTC"])
        let steps = try Self.breakoutMarket().run(strategy, parameters: parameters)
        // In: candle 30 as in KST. Out: candle 32 closes at 00:00 UTC. In again at candle 57: 3 January
        // (UTC) never moved, so its range is 0 and 4 January's open is its own trigger.
        #expect(steps.map(\.index) == [30, 32, 57])
    }

    @Test("turtle: a close above the 5-candle high enters one unit (1 % of equity per N), stop 2 N below; a close below the 3-candle low exits")
    func turtle() throws {
        let (strategy, parameters) = try make("turtle", ["entry": 5, "exit": 3, "atr": 3])
        let closes: [Amount] = Array(repeating: 100, count: 10) + [105, 106, 107, 100, 95]
        let steps = try ScriptedMarket(closes: closes, wick: 1).run(strategy, parameters: parameters)
        #expect(steps.map(\.index) == [10, 14])
        // N = (2 + 2 + 7) / 3; unit = 10000 × 0.01 / N; stop = 105 − 2 N.
        #expect(steps[0].output.decisions[0].target == Amount("27.27272727")!)
        #expect(steps[0].output.decisions[0].stopLoss == Amount("97.66666666")!)
        #expect(steps[1].output.decisions[0].target == .zero)
    }

    @Test("turtle shorts a close below the channel when allowed, and never when long only")
    func turtleShort() throws {
        let closes: [Amount] = Array(repeating: 100, count: 10) + [94]
        let (both, bothParameters) = try make("turtle", ["entry": 5, "exit": 3, "atr": 3])
        let short = try ScriptedMarket(closes: closes, wick: 1).run(both, parameters: bothParameters)
        #expect(short.map(\.index) == [10])
        #expect(short[0].output.decisions[0].target!.isNegative)
        #expect(short[0].output.decisions[0].stopLoss! > 94)
        let (long, longParameters) = try make("turtle", ["entry": 5, "exit": 3, "atr": 3, "direction": "long"])
        #expect(try ScriptedMarket(closes: closes, wick: 1).run(long, parameters: longParameters).isEmpty)
    }

    @Test("grid: one quantity per line above the close; flat under the stop, and back only inside the grid")
    func grid() throws {
        let (strategy, parameters) = try make("grid", ["lower": "100", "upper": "200", "levels": 10, "quantity": "1"])
        let steps = try ScriptedMarket(closes: [185, 145, 250, 97, 99, 105]).run(strategy, parameters: parameters)
        #expect(steps.map(\.index) == [0, 1, 2, 5])
        #expect(steps.map { $0.output.decisions[0].target } == [2, 6, 0, 10])
        #expect(steps[0].output.decisions[0].stopLoss == Amount(98))
        let stopped = try ScriptedMarket(closes: [150, 97]).run(strategy, parameters: parameters)
        #expect(stopped.map { $0.output.decisions[0].target } == [5, 0])
    }

    @Test("The runner's nonsense check: an entry without a stop, or a stop on the wrong side, is refused")
    func nonsense() {
        let flat = StrategyPosition.flat
        #expect(throws: StrategyNonsense.self) { try StrategyDecision(.targetPosition(1), reason: "x").check(price: 100, position: flat) }
        #expect(throws: StrategyNonsense.self) { try StrategyDecision(.targetPosition(1), stopLoss: 101, reason: "x").check(price: 100, position: flat) }
        #expect(throws: StrategyNonsense.self) { try StrategyDecision(.targetPosition(-1), stopLoss: 99, reason: "x").check(price: 100, position: flat) }
        #expect(throws: StrategyNonsense.self) { try StrategyDecision(.targetPosition(0), reason: "").check(price: 100, position: flat) }
        // Closing needs no stop; reducing a long needs none either.
        #expect(throws: Never.self) { try StrategyDecision(.targetPosition(0), reason: "out").check(price: 100, position: StrategyPosition(quantity: 1, entryPrice: 90)) }
        #expect(throws: Never.self) { try StrategyDecision(.targetPosition(1), reason: "less").check(price: 100, position: StrategyPosition(quantity: 2, entryPrice: 90)) }
    }
}
