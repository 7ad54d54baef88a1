import AlphaCore
import AlphaJSON
import AlphaStore

/// Commands that change the engine rather than the exchange: pause, resume, mode, runtime
/// configuration, projection rebuild. Each records its event and settles its command in one
/// transaction, so a crash leaves either both or neither.
public final class ControlCommands {
    private let writer: EventWriter
    private let commands: CommandStore
    private let configs: ConfigStore

    public init(writer: EventWriter, commands: CommandStore) {
        self.writer = writer
        self.commands = commands
        configs = ConfigStore(database: writer.database)
    }

    public func execute(_ command: Command) throws -> Command {
        switch command.type {
        case .pauseEngine:
            return try transition(command, to: .paused, type: .enginePaused)
        case .resumeEngine:
            return try transition(command, to: .running, type: .engineResumed)
        case .setEngineMode:
            guard let mode = try? command.payload.choice("mode", as: EngineMode.self) else {
                return try commands.fail(command.id, error: "invalid SetEngineMode payload: mode must be one of "
                    + EngineMode.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let reason = (try? command.payload.string("reason")) ?? "requested by \(command.actor.id)"
            return try record(command, type: .engineModeChanged, payload: EngineModePayload(mode: mode, reason: reason).json,
                              result: ["mode": .string(mode.rawValue)])
        case .updateConfig:
            return try updateConfig(command)
        case .rebuildProjection:
            let count = try writer.rebuildProjections()
            return try commands.acknowledge(command.id, result: ["replayedEvents": .int(count)])
        default:
            return try commands.fail(command.id, error: "\(command.type.rawValue) is not a control command")
        }
    }

    private func transition(_ command: Command, to next: EngineState, type: EventType) throws -> Command {
        let current = writer.state.status.engineState
        guard current.canMove(to: next) else {
            return try commands.fail(command.id, error: "the engine is \(current.rawValue); it cannot become \(next.rawValue)")
        }
        let reason = (try? command.payload.string("reason")) ?? "requested by \(command.actor.id)"
        return try record(command, type: type, payload: EngineReasonPayload(reason: reason).json, result: ["state": .string(next.rawValue)])
    }

    /// Validates the whole configuration, then writes `config_store` and `ConfigChanged` together.
    /// A stale `expectedVersion` is refused with both versions named.
    private func updateConfig(_ command: Command) throws -> Command {
        guard case .object(let proposed)? = command.payload["config"], let expected = try? command.payload.int64("expectedVersion") else {
            return try commands.fail(command.id, error: "invalid UpdateConfig payload: config (an object) and expectedVersion are required")
        }
        let config: RuntimeConfig
        do {
            config = try RuntimeConfig(json: proposed)
        } catch {
            return try commands.fail(command.id, error: "invalid configuration: \(error)")
        }
        let current = try configs.runtime().version
        guard current == expected else {
            return try commands.fail(command.id, error: "stale configuration: expected version \(expected), the current one is \(current)")
        }
        var version: Int64 = 0
        var settled: Command?
        let event = Event(type: .configChanged, commandID: command.id, source: .bot, entityKind: .config, entityID: "runtime",
                          scope: command.scope, dedupKey: DedupKey.config(version: expected + 1),
                          payload: ConfigChangedPayload(version: expected + 1, config: config.json).json)
        _ = try writer.append([event]) { _ in
            version = try self.configs.updateRuntime(config, expectedVersion: expected, by: command.actor.id)
            settled = try self.commands.acknowledge(command.id, result: ["version": .int(version)])
        }
        return settled ?? command
    }

    private func record(_ command: Command, type: EventType, payload: JSONObject, result: JSONObject) throws -> Command {
        let event = Event(type: type, correlationID: command.correlationID, commandID: command.id, source: .bot, entityKind: .engine,
                          entityID: "engine", scope: command.scope, dedupKey: DedupKey.command(commandID: command.id, outcome: type.rawValue),
                          payload: payload)
        var settled: Command?
        _ = try writer.append([event]) { _ in settled = try self.commands.acknowledge(command.id, result: result) }
        return settled ?? command
    }
}
