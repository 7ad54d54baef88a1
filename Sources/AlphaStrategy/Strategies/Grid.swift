import AlphaCore

/// A long grid between `lower` and `upper` with `levels` equal steps: the position grows by
/// `quantity` for each grid line the price falls through and shrinks by as much for each it
/// climbs back over, so it buys low and sells high inside the range. It is expressed as a
/// target position at each candle close (the number of lines above the close, times the
/// quantity), which the runner reaches with market orders. One protective stop sits `stop_pct`
/// below the grid: a close under it flattens and the grid waits for the price to come back.
public struct Grid: Strategy {
    public static let descriptor = StrategyDescriptor.of(
        Grid.self, name: "grid", summary: "buys each grid line the price falls through, sells each it climbs back over",
        parameters: [
            ParameterSpec("lower", .decimal(above: .zero, atMost: Amount(100_000_000)), default: "45000", help: "the grid's lowest line"),
            ParameterSpec("upper", .decimal(above: .zero, atMost: Amount(100_000_000)), default: "55000", help: "the grid's highest line"),
            ParameterSpec("levels", .integer(2...100), default: 10, help: "steps between lower and upper"),
            Protection.quantity, Protection.stopFraction,
        ])

    let lower: Amount, upper: Amount, levels: Int
    let quantity: Amount, stop: Amount

    public init(parameters: StrategyParameters) throws(StrategyParameterError) {
        lower = parameters.decimal("lower")
        upper = parameters.decimal("upper")
        levels = parameters.integer("levels")
        guard lower < upper else { throw StrategyParameterError("lower", "must be less than upper (\(upper))") }
        quantity = parameters.decimal("quantity")
        stop = Protection.stop(from: lower, fraction: parameters.decimal("stop_pct"), long: true)
    }

    public func requirements(primary: Timeframe) -> [CandleRequirement] { [CandleRequirement(timeframe: primary, count: 1)] }

    /// The grid's lines, lower to upper.
    var lines: [Amount] {
        let step = (upper - lower).divided(by: Amount(levels), scale: 8)
        return (0...levels).map { $0 == levels ? upper : lower + step * Amount($0) }
    }

    public func decide(_ snapshot: StrategySnapshot) throws -> StrategyOutput {
        guard let close = snapshot.primaryCandles.last?.close else { return .warmingUp(snapshot.state, have: 0, need: 1) }
        var output = StrategyOutput(state: snapshot.state)
        let target: Amount
        let reason: String
        // After a close under the stop the grid stays flat until the price is back inside it.
        if close >= lower { output.state["stopped"] = nil }
        if close <= stop || output.state["stopped"] == true {
            if close <= stop { output.state["stopped"] = true }
            target = .zero
            reason = close <= stop ? "close \(close) is at or below the grid's stop \(stop)" : "waiting for the price to come back above \(lower)"
        } else {
            let above = lines.filter { $0 > close }.count
            target = quantity * Amount(min(above, levels))
            reason = "close \(close): \(above) of \(levels + 1) grid lines above"
        }
        output.state["lines_above"] = .int(Int64(lines.filter { $0 > close }.count))
        guard target != snapshot.position.quantity else { return output }
        output.signals.append(StrategySignal("grid_level", ["close": .amount(close), "target": .amount(target)]))
        output.decisions.append(StrategyDecision(.targetPosition(target), stopLoss: target.isZero ? nil : stop, reason: reason))
        return output
    }
}
