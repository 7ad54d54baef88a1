import AlphaCore

/// The Turtle rules (seed 003): enter on a close beyond the Donchian channel of the last
/// `entry` candles, leave on a close beyond the opposite channel of the last `exit` candles.
/// The size is the Turtles' unit, `risk` × equity ÷ N with N the average true range, and the
/// stop sits `stop_atr` × N away, so a stopped trade loses `risk` × `stop_atr` of equity.
public struct Turtle: Strategy {
    public static let descriptor = StrategyDescriptor.of(
        Turtle.self, name: "turtle", summary: "Donchian channel breakout with ATR sizing and stops",
        parameters: [
            ParameterSpec("entry", .integer(2...500), default: 20, help: "candles in the entry channel"),
            ParameterSpec("exit", .integer(2...500), default: 10, help: "candles in the exit channel"),
            ParameterSpec("atr", .integer(2...500), default: 20, help: "candles in the average true range N"),
            ParameterSpec("risk", .decimal(above: .zero, atMost: Amount("0.1")!), default: "0.01",
                          help: "equity risked per N of adverse move, as a fraction"),
            ParameterSpec("stop_atr", .decimal(above: .zero, atMost: 10), default: "2", help: "the stop's distance in N"),
            ParameterSpec("direction", .choice(["long", "both"]), default: "both", help: "long only, or long and short"),
        ])

    let entry: Int, exit: Int, atr: Int
    let risk: Amount, stopDistance: Amount
    let shorts: Bool

    public init(parameters: StrategyParameters) throws(StrategyParameterError) {
        entry = parameters.integer("entry")
        exit = parameters.integer("exit")
        atr = parameters.integer("atr")
        guard exit < entry else { throw StrategyParameterError("exit", "must be less than entry (\(entry))") }
        risk = parameters.decimal("risk")
        stopDistance = parameters.decimal("stop_atr")
        shorts = parameters.string("direction") == "both"
    }

    var needed: Int { max(entry, atr) + 1 }

    public func requirements(primary: Timeframe) -> [CandleRequirement] { [CandleRequirement(timeframe: primary, count: needed)] }

    public func decide(_ snapshot: StrategySnapshot) throws -> StrategyOutput {
        let candles = snapshot.primaryCandles
        guard candles.count >= needed, let last = candles.last,
              let upper = Indicators.highest(candles, period: entry, offset: 1), let lower = Indicators.lowest(candles, period: entry, offset: 1),
              let exitLow = Indicators.lowest(candles, period: exit, offset: 1), let exitHigh = Indicators.highest(candles, period: exit, offset: 1),
              let n = Indicators.atr(candles, period: atr) else {
            return .warmingUp(snapshot.state, have: candles.count, need: needed)
        }
        var output = StrategyOutput(state: snapshot.state)
        let close = last.close
        let position = snapshot.position
        if position.isLong, close < exitLow {
            output.signals.append(StrategySignal("exit_long", ["close": .amount(close), "channel": .amount(exitLow)]))
            output.decisions.append(StrategyDecision(.targetPosition(.zero), reason: "close \(close) below the \(exit)-candle low \(exitLow)"))
        } else if position.isShort, close > exitHigh {
            output.signals.append(StrategySignal("exit_short", ["close": .amount(close), "channel": .amount(exitHigh)]))
            output.decisions.append(StrategyDecision(.targetPosition(.zero), reason: "close \(close) above the \(exit)-candle high \(exitHigh)"))
        } else if position.isFlat, n > .zero, close > upper || (shorts && close < lower) {
            let long = close > upper
            let unit = (snapshot.equity * risk).divided(by: n, scale: 8, mode: .down)
            guard unit > .zero else { return output }
            let stop = long ? close - stopDistance * n : close + stopDistance * n
            guard stop > .zero else { return output }
            let values: JSONObject = ["close": .amount(close), "channel": .amount(long ? upper : lower), "atr": .amount(n), "unit": .amount(unit)]
            output.signals.append(StrategySignal(long ? "breakout_up" : "breakout_down", values))
            output.decisions.append(StrategyDecision(
                .targetPosition(long ? unit : -unit), stopLoss: stop.rounded(scale: 8, mode: long ? .down : .up),
                reason: "close \(close) \(long ? "above" : "below") the \(entry)-candle \(long ? "high \(upper)" : "low \(lower)"); N \(n)"))
        }
        return output
    }
}
