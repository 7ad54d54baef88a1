import AlphaCore

/// The seeds' example: go long when the fast SMA of closes crosses above the slow one, leave
/// (or, with `direction: both`, go short) when it crosses below. It acts on crosses only, so a
/// start in the middle of a trend waits for the next cross.
public struct SMACross: Strategy {
    public static let descriptor = StrategyDescriptor.of(
        SMACross.self, name: "sma_cross", summary: "fast/slow simple moving average crossover on closes",
        parameters: [
            ParameterSpec("fast", .integer(2...500), default: 10, help: "candles in the fast average"),
            ParameterSpec("slow", .integer(3...1000), default: 20, help: "candles in the slow average"),
            Protection.quantity, Protection.stopFraction,
            ParameterSpec("direction", .choice(["long", "both"]), default: "long", help: "long only, or long and short"),
        ])

    let fast: Int, slow: Int
    let quantity: Amount, stopFraction: Amount
    let shorts: Bool

    public init(parameters: StrategyParameters) throws(StrategyParameterError) {
        fast = parameters.integer("fast")
        slow = parameters.integer("slow")
        guard fast < slow else { throw StrategyParameterError("fast", "must be less than slow (\(slow))") }
        quantity = parameters.decimal("quantity")
        stopFraction = parameters.decimal("stop_pct")
        shorts = parameters.string("direction") == "both"
    }

    public func requirements(primary: Timeframe) -> [CandleRequirement] { [CandleRequirement(timeframe: primary, count: slow + 1)] }

    public func decide(_ snapshot: StrategySnapshot) throws -> StrategyOutput {
        let candles = snapshot.primaryCandles
        guard let (fastNow, fastBefore) = Indicators.smaNowAndBefore(candles, period: fast),
              let (slowNow, slowBefore) = Indicators.smaNowAndBefore(candles, period: slow) else {
            return .warmingUp(snapshot.state, have: candles.count, need: slow + 1)
        }
        // Written out only on a cross: most candles have none, and text costs more than the averages.
        var values: JSONObject { ["fast": .amount(fastNow), "slow": .amount(slowNow)] }
        let price = snapshot.lastPrice
        var output = StrategyOutput(state: snapshot.state)
        if fastBefore <= slowBefore, fastNow > slowNow {
            output.signals.append(StrategySignal("golden_cross", values))
            output.state["last_cross"] = "up"
            if snapshot.position.quantity != quantity {
                output.decisions.append(StrategyDecision(
                    .targetPosition(quantity), stopLoss: Protection.stop(from: price, fraction: stopFraction, long: true),
                    reason: "SMA\(fast) \(fastNow) crossed above SMA\(slow) \(slowNow)"))
            }
        } else if fastBefore >= slowBefore, fastNow < slowNow {
            output.signals.append(StrategySignal("death_cross", values))
            output.state["last_cross"] = "down"
            let target = shorts ? -quantity : .zero
            if snapshot.position.quantity != target {
                output.decisions.append(StrategyDecision(
                    .targetPosition(target), stopLoss: shorts ? Protection.stop(from: price, fraction: stopFraction, long: false) : nil,
                    reason: "SMA\(fast) \(fastNow) crossed below SMA\(slow) \(slowNow)"))
            }
        }
        return output
    }
}
