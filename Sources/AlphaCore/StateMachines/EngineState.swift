/// The engine's run state. STOPPED is the state between processes; a boot passes through BOOTING
/// (recovering SENT commands, reconciling) into RUNNING, PAUSED or SAFE.
///
/// SAFE is where the risk guard or the operator parks the engine: no new orders. Leaving SAFE goes
/// through PAUSED, so resuming trading is always a separate, explicit step.
public enum EngineState: String, StateMachine {
    case stopped = "STOPPED"
    case booting = "BOOTING"
    case running = "RUNNING"
    case paused = "PAUSED"
    case safe = "SAFE"

    public static let legalMoves: [EngineState: Set<EngineState>] = [
        .stopped: [.booting],
        .booting: [.running, .paused, .safe, .stopped],
        .running: [.paused, .safe, .stopped],
        .paused: [.running, .safe, .stopped],
        .safe: [.paused, .stopped],
    ]
}

/// What the engine may do while RUNNING (the `SetEngineMode` command).
public enum EngineMode: String, Sendable, CaseIterable {
    /// Strategy and users may open and close positions.
    case normal
    /// Only orders that reduce the position are allowed.
    case reduceOnly = "reduce_only"
    /// No new orders at all; the engine moves to SAFE.
    case safe
}
