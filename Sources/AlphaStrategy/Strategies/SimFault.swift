import AlphaCore
import Foundation

/// A strategy that misbehaves on purpose, for proving what the runner does when one does: on
/// its `after`-th candle it throws, returns an entry without a protective stop, or takes longer
/// than the runner allows. It runs only against the simulator (the runner refuses it elsewhere).
public struct SimFault: Strategy {
    public static let descriptor = StrategyDescriptor.of(
        SimFault.self, name: "sim_fault", summary: "misbehaves on purpose on its n-th candle (simulator only, for tests)",
        parameters: [
            ParameterSpec("after", .integer(1...10_000), default: 1, help: "the candle (counted from the start) it misbehaves on"),
            ParameterSpec("fault", .choice(["throw", "nonsense", "slow"]), default: "throw", help: "how it misbehaves"),
        ])

    /// Only the simulator may run it.
    public static let simulatorOnly = true

    struct Failure: Error, CustomStringConvertible {
        let candle: Int64
        var description: String { "sim_fault threw on purpose on candle \(candle)" }
    }

    let after: Int64
    let fault: String

    public init(parameters: StrategyParameters) throws(StrategyParameterError) {
        after = Int64(parameters.integer("after"))
        fault = parameters.string("fault")
    }

    public func requirements(primary: Timeframe) -> [CandleRequirement] { [CandleRequirement(timeframe: primary, count: 1)] }

    public func decide(_ snapshot: StrategySnapshot) throws -> StrategyOutput {
        var state = snapshot.state
        let seen = (state["candles"].flatMap { if case .number(let text) = $0 { Int64(text) } else { nil } } ?? 0) + 1
        state["candles"] = .int(seen)
        guard seen >= after else { return StrategyOutput(signals: [StrategySignal("counting", ["candles": .int(seen)])], state: state) }
        switch fault {
        case "throw":
            throw Failure(candle: seen)
        case "nonsense":
            return StrategyOutput(decisions: [StrategyDecision(.targetPosition(Amount("0.01")!), reason: "an entry without a stop")], state: state)
        default:
            Thread.sleep(forTimeInterval: 2)
            return StrategyOutput(state: state)
        }
    }
}
