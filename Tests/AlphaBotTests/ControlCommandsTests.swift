import AlphaBot
import AlphaCore
import AlphaJSON
import AlphaStore
import Foundation
import Testing

@Suite("Control commands: engine state, mode, configuration, rebuild")
struct ControlCommandsTests {
    final class Stores {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("control-\(UUID().uuidString)")
        let writer: EventWriter
        let commands: CommandStore

        init() throws {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let database = try Database.openMigrated(path: directory.appendingPathComponent("bot.db").path)
            writer = try EventWriter(database: database)
            commands = CommandStore(database: database)
            _ = try writer.append(Event(type: .engineStarted, source: .bot, entityKind: .engine, entityID: "engine", scope: Scope(on: .binanceUSDM, mode: .sim),
                                        dedupKey: DedupKey.engine(bootID: "b1", transition: "started"),
                                        payload: EngineStartedPayload(bootID: "b1", state: .running, mode: .normal).json))
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        func run(_ type: CommandType, _ payload: JSONObject = [:]) throws -> Command {
            _ = try commands.insert(Command(type: type, actor: Actor(kind: .user, id: "ops"), scope: Scope(on: .binanceUSDM, mode: .sim), payload: payload))
            let claimed = try #require(try commands.claimNext())
            return try ControlCommands(writer: writer, commands: commands, configs: ConfigStore(database: writer.database)).execute(claimed)
        }
    }

    @Test("pause, refuse a second pause with the reason, resume; each recorded with its command")
    func pauseResume() throws {
        let stores = try Stores()
        #expect(try stores.run(.pauseEngine, ["reason": "maintenance"]).status == .acknowledged)
        #expect(stores.writer.state.status.engineState == .paused)
        let again = try stores.run(.pauseEngine)
        #expect(again.status == .failed)
        #expect(again.lastError == "the engine is PAUSED; it cannot become PAUSED")
        #expect(try stores.run(.resumeEngine).status == .acknowledged)
        #expect(stores.writer.state.status.engineState == .running)
        let paused = try stores.writer.events.events(matching: EventFilter(types: [.enginePaused]))
        #expect(paused.count == 1 && paused.first?.commandID != nil)
    }

    @Test("mode: set reduce_only; an unknown mode is refused listing the valid ones")
    func mode() throws {
        let stores = try Stores()
        #expect(try stores.run(.setEngineMode, ["mode": "reduce_only"]).status == .acknowledged)
        #expect(stores.writer.state.status.engineMode == .reduceOnly)
        #expect(try stores.run(.setEngineMode, ["mode": "turbo"]).lastError?.contains("normal") == true)
    }

    @Test("configuration: a valid change at the expected version lands with ConfigChanged; stale and invalid ones are refused")
    func configuration() throws {
        let stores = try Stores()
        var config = RuntimeConfig()
        config.pollIntervalSeconds = 15
        let done = try stores.run(.updateConfig, ["config": .object(config.json), "expectedVersion": 0])
        #expect(done.status == .acknowledged)
        #expect(try ConfigStore(database: stores.writer.database).runtime().value.pollIntervalSeconds == 15)
        #expect(try stores.writer.events.events(matching: EventFilter(types: [.configChanged])).count == 1)
        #expect(try stores.run(.updateConfig, ["config": .object(config.json), "expectedVersion": 0]).lastError
                == "stale configuration: expected version 0, the current one is 1")
        var broken = config.json
        broken["pollIntervalSeconds"] = "soon"
        #expect(try stores.run(.updateConfig, ["config": .object(broken), "expectedVersion": 1]).lastError?.contains("invalid configuration") == true)
    }

    @Test("rebuild: projections replayed from the event store equal the live ones")
    func rebuild() throws {
        let stores = try Stores()
        _ = try stores.run(.pauseEngine)
        let before = stores.writer.state
        let done = try stores.run(.rebuildProjection)
        #expect(done.status == .acknowledged, "\(done.lastError ?? "")")
        #expect(stores.writer.state.status.engineState == before.status.engineState)
        #expect(stores.writer.state.orders == before.orders)
    }
}
