import AlphaCore

/// Seed 004's trend filter: long while SMA 50 is above SMA 200, flat otherwise. Unlike
/// `sma_cross` it follows the regime: on its first candle in an uptrend it enters. After a
/// stop-out it stays flat until the next golden cross (the regime it saw is kept in its state).
public struct MATrend: Strategy {
    public static let descriptor = StrategyDescriptor.of(
        MATrend.self, name: "ma_trend", summary: "long while SMA 50 is above SMA 200 (golden/death cross)",
        parameters: [
            ParameterSpec("fast", .integer(2...500), default: 50, help: "candles in the fast average"),
            ParameterSpec("slow", .integer(3...1000), default: 200, help: "candles in the slow average"),
            Protection.quantity, Protection.stopFraction,
        ])

    let fast: Int, slow: Int
    let quantity: Amount, stopFraction: Amount

    public init(parameters: StrategyParameters) throws(StrategyParameterError) {
        fast = parameters.integer("fast")
        slow = parameters.integer("slow")
        guard fast < slow else { throw StrategyParameterError("fast", "must be less than slow (\(slow))") }
        quantity = parameters.decimal("quantity")
        stopFraction = parameters.decimal("stop_pct")
    }

    public func requirements(primary: Timeframe) -> [CandleRequirement] { [CandleRequirement(timeframe: primary, count: slow)] }

    public func decide(_ snapshot: StrategySnapshot) throws -> StrategyOutput {
        let candles = snapshot.primaryCandles
        guard let fastNow = Indicators.sma(candles, period: fast), let slowNow = Indicators.sma(candles, period: slow) else {
            return .warmingUp(snapshot.state, have: candles.count, need: slow)
        }
        let regime = fastNow > slowNow ? "up" : "down"
        var output = StrategyOutput(state: snapshot.state)
        output.state["regime"] = .string(regime)
        guard snapshot.state["regime"] != .string(regime) else { return output }
        let values: JSONObject = ["fast": .amount(fastNow), "slow": .amount(slowNow)]
        if regime == "up" {
            output.signals.append(StrategySignal("uptrend", values))
            if snapshot.position.quantity != quantity {
                output.decisions.append(StrategyDecision(
                    .targetPosition(quantity), stopLoss: Protection.stop(from: snapshot.lastPrice, fraction: stopFraction, long: true),
                    reason: "uptrend: SMA\(fast) \(fastNow) above SMA\(slow) \(slowNow)"))
            }
        } else {
            output.signals.append(StrategySignal("downtrend", values))
            if snapshot.position.isLong {
                output.decisions.append(StrategyDecision(.targetPosition(.zero), reason: "downtrend: SMA\(fast) \(fastNow) below SMA\(slow) \(slowNow)"))
            }
        }
        return output
    }
}
