import AlphaCore
import AlphaJSON
import AlphaStore
import AlphaStrategy

/// Commands that change the engine rather than the exchange: pause, resume, mode, runtime
/// configuration, projection rebuild. Each records its event and settles its command in one
/// transaction, so a crash leaves either both or neither.
public final class ControlCommands: CommandHandler {
    public static let commandTypes: [CommandType] = [.pauseEngine, .resumeEngine, .setEngineMode, .updateConfig, .rebuildProjection,
                                                     .proposeParameters]

    private let writer: any EventJournal
    private let commands: any CommandQueue
    private let configs: any ConfigRepository
    /// The venue whose symbols a configuration may name.
    private let venue: VenueCapabilities

    public init(writer: any EventJournal, commands: any CommandQueue, configs: any ConfigRepository, venue: VenueCapabilities = .binanceUSDM) {
        self.venue = venue
        self.writer = writer
        self.commands = commands
        self.configs = configs
    }

    public func handle(_ command: Command, _ time: KernelTime) throws -> Command {
        now = time.now
        return try execute(command)
    }

    /// The time the command is handled at (the kernel's clock).
    private var now = Timestamp.now()

    public func execute(_ command: Command) throws -> Command {
        let request: CommandRequest
        do throws(CommandPayloadError) {
            request = try CommandRequest(type: command.type, payload: command.payload, venue: venue)
        } catch {
            let what = command.type == .updateConfig ? "invalid configuration" : "invalid \(command.type.rawValue) payload"
            return try commands.fail(command.id, error: "\(what): \(error)", now: now)
        }
        let requestedBy = "requested by \(command.actor.id)"
        switch request {
        case .pauseEngine(let reason):
            return try transition(command, to: .paused, type: .enginePaused, reason: reason ?? requestedBy)
        case .resumeEngine(let reason):
            return try transition(command, to: .running, type: .engineResumed, reason: reason ?? requestedBy)
        case .setEngineMode(let mode, let reason):
            return try record(command, type: .engineModeChanged, payload: EngineModePayload(mode: mode, reason: reason ?? requestedBy).json,
                              result: ["mode": .string(mode.rawValue)])
        case .updateConfig(let config, let expected):
            return try updateConfig(command, config, expectedVersion: expected)
        case .proposeParameters(let strategy, let parameters, let evidence):
            // Checked as a configuration would be, so what an admin applies can run; applied by no one here.
            do throws(StrategyParameterError) {
                _ = try StrategyCatalog.prepare(name: strategy, parameters: parameters)
            } catch {
                return try commands.fail(command.id, error: "the proposal cannot run: \(error)", now: now)
            }
            let payload: JSONObject = ["strategy": .string(strategy), "parameters": .object(parameters), "evidence": .object(evidence),
                                       "proposedBy": .string(command.actor.id)]
            return try record(command, type: .parametersProposed, payload: payload, result: ["strategy": .string(strategy)], entityKind: .strategy,
                              entityID: strategy)
        case .rebuildProjection:
            let count = try writer.rebuildProjections()
            return try commands.acknowledge(command.id, result: ["replayedEvents": .int(count)], now: now)
        default:
            return try commands.fail(command.id, error: "\(command.type.rawValue) is not a control command", now: now)
        }
    }

    private func transition(_ command: Command, to next: EngineState, type: EventType, reason: String) throws -> Command {
        let current = writer.state.status.engineState
        // SAFE is left only through SetEngineMode, which moves it to PAUSED: a bare Pause or Resume
        // would leave the mode SAFE with the engine trading.
        if current == .safe || writer.state.status.engineMode == .safe {
            return try commands.fail(command.id, error: "the engine is SAFE; leave it with SetEngineMode normal or reduce_only "
                + "(it moves to PAUSED), then resume", now: now)
        }
        guard current.canMove(to: next) else {
            return try commands.fail(command.id, error: "the engine is \(current.rawValue); it cannot become \(next.rawValue)", now: now)
        }
        return try record(command, type: type, payload: EngineReasonPayload(reason: reason).json, result: ["state": .string(next.rawValue)])
    }

    /// Validates the whole configuration, then writes `config_store` and `ConfigChanged` together.
    /// A stale `expectedVersion` is refused with both versions named.
    private func updateConfig(_ command: Command, _ config: RuntimeConfig, expectedVersion expected: Int64) throws -> Command {
        let problems = StrategyCatalog.problems(in: config)
        guard problems.isEmpty else {
            return try commands.fail(command.id, error: "invalid configuration: \(problems.map(\.description).joined(separator: "; "))", now: now)
        }
        let current = try configs.runtime().version
        guard current == expected else {
            return try commands.fail(command.id, error: "stale configuration: expected version \(expected), the current one is \(current)", now: now)
        }
        var version: Int64 = 0
        var settled: Command?
        let event = Event(type: .configChanged, ts: now, commandID: command.id, source: .bot, entityKind: .config, entityID: "runtime",
                          scope: command.scope, dedupKey: DedupKey.config(version: expected + 1),
                          payload: ConfigChangedPayload(version: expected + 1, config: config.json).json)
        _ = try writer.append([event]) {
            version = try self.configs.updateRuntime(config, expectedVersion: expected, by: command.actor.id)
            settled = try self.commands.acknowledge(command.id, result: ["version": .int(version)], now: self.now)
        }
        return settled ?? command
    }

    private func record(_ command: Command, type: EventType, payload: JSONObject, result: JSONObject, entityKind: EntityKind = .engine,
                        entityID: String = "engine") throws -> Command {
        let event = Event(type: type, ts: now, correlationID: command.correlationID, commandID: command.id, source: .bot, entityKind: entityKind,
                          entityID: entityID, scope: command.scope, dedupKey: DedupKey.command(commandID: command.id, outcome: type.rawValue),
                          payload: payload)
        var settled: Command?
        _ = try writer.append([event]) { settled = try self.commands.acknowledge(command.id, result: result, now: self.now) }
        return settled ?? command
    }
}
