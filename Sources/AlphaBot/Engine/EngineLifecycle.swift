import AlphaCore
import AlphaStore
import Logging

/// Records the engine's start and stop. A boot resumes the state the owner (or the risk
/// guard) last set — RUNNING, PAUSED or SAFE — and the mode with it, so a bot paused or parked
/// in SAFE comes back paused or safe after a crash or a restart, never trading by itself.
public final class EngineLifecycle: BotComponent {
    public let name = "engine"
    private let writer: any EventJournal
    private let scope: Scope
    private let log: Logger
    public private(set) var bootID = ""

    public init(writer: any EventJournal, scope: Scope, log: Logger = Logger(label: "engine")) {
        self.writer = writer
        self.scope = scope
        self.log = log
    }

    /// The state a boot resumes: SAFE with mode safe whatever else was recorded.
    static func resumedState(_ status: EngineStatus) -> EngineState {
        status.engineMode == .safe ? .safe : status.resumeState
    }

    public func start(_ time: KernelTime) throws {
        bootID = Identifier.random()
        let status = writer.state.status
        let state = Self.resumedState(status)
        _ = try writer.append(Event(type: .engineStarted, ts: time.now, source: .bot, entityKind: .engine, entityID: "engine", scope: scope,
                                    dedupKey: DedupKey.engine(bootID: bootID, transition: "started"),
                                    payload: EngineStartedPayload(bootID: bootID, state: state, mode: status.engineMode).json))
        log.info("engine started", metadata: ["state": "\(state.rawValue)", "mode": "\(status.engineMode.rawValue)", "boot": "\(bootID)"])
    }

    public func stop(_ time: KernelTime) throws {
        _ = try writer.append(Event(type: .engineStopped, ts: time.now, source: .bot, entityKind: .engine, entityID: "engine", scope: scope,
                                    dedupKey: DedupKey.engine(bootID: bootID, transition: "stopped"),
                                    payload: EngineReasonPayload(reason: "SIGINT/SIGTERM").json))
    }
}
