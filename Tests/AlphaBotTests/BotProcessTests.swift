import AlphaCore
import AlphaHTTP
import AlphaSettings
import AlphaSim
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// The real `alphaengine bot` process against a simulator on a real port; commands go in
/// through the shared SQLite file, as the web process inserts them.
@Suite("alphaengine bot as a process", .serialized)
struct BotProcessTests {
    final class BotProcess {
        let process = Process()
        let errors = Pipe()

        init(sim: SimService, port: UInt16, dataDirectory: String) throws {
            process.executableURL = BuiltExecutable.url("alphaengine")
            process.arguments = ["bot", "--data-dir", dataDirectory]
            process.environment = [
                "PATH": "/usr/bin:/bin",
                "ALPHAENGINE_REST_URL": "http://127.0.0.1:\(port)", "ALPHAENGINE_WS_URL": "ws://127.0.0.1:\(port)",
                "ALPHAENGINE_SIM_API_KEY": sim.configuration.apiKey, "ALPHAENGINE_SIM_API_SECRET": sim.configuration.apiSecret,
            ]
            process.standardError = errors
            try process.run()
        }

        func stop(signal: Int32 = SIGTERM) -> Int32 {
            kill(process.processIdentifier, signal)
            process.waitUntilExit()
            return process.terminationStatus
        }

        var log: String { String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self) }
    }

    /// A simulator on a free port and a data directory for the bot, removed afterwards.
    final class Setup {
        let sim = SimService(configuration: .randomKeys())
        let server: HTTPServer
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("botproc-\(UUID().uuidString)").path
        let database: Database

        init() throws {
            server = HTTPServer(handler: sim.router.handler)
            try server.start()
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            database = try Database.openMigrated(path: databasePath(dataDirectory: directory, mode: .sim))
        }

        deinit {
            server.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
        }

        func startBot() throws -> BotProcess { try BotProcess(sim: sim, port: server.port, dataDirectory: directory) }
    }

    @Test("commands inserted by another process are executed once; SIGTERM stops cleanly; a restart resumes with nothing doubled")
    func commandsAcrossRestart() throws {
        let setup = try Setup()
        let sim = setup.sim
        let commands = CommandStore(database: setup.database)
        let events = EventStore(database: setup.database)

        func place(_ side: String) throws -> Command {
            try commands.insert(Command(type: .placeOrder, actor: Actor(kind: .user, id: "tester"), scope: Scope(mode: .sim),
                                        payload: ["symbol": "BTCUSDT", "side": .string(side), "type": "MARKET", "quantity": "0.010"])).command
        }
        func trades() -> Int { (try? events.events(matching: EventFilter(types: [.tradeExecuted]), limit: 1000).count) ?? -1 }

        var bot = try setup.startBot()
        let first = try place("BUY")
        #expect(eventually(within: 10) { (try? commands.command(id: first.id))??.status == .acknowledged })
        #expect(eventually(within: 10) { trades() == 1 })
        #expect(bot.stop() == 0)

        let second = try place("SELL")  // inserted while the bot is down
        bot = try setup.startBot()
        #expect(eventually(within: 10) { (try? commands.command(id: second.id))??.status == .acknowledged })
        #expect(eventually(within: 10) { trades() == 2 })
        #expect(bot.stop(signal: SIGINT) == 0)

        // The stream's state changes were recorded: connected in each run (and disconnected at each stop, if seen).
        let connected = try events.events(matching: EventFilter(types: [.webSocketConnected, .webSocketReconnected]))
        #expect(connected.count >= 2)

        // Every order on the exchange maps to exactly one command; every trade was stored once.
        let orders = sim.withExchange { Array($0.orders.values) }
        #expect(orders.map(\.clientOrderId).sorted() == [try first.clientOrderID.value, try second.clientOrderID.value].sorted())
        #expect(trades() == sim.withExchange { $0.ledger.trades.count })
        #expect(sim.withExchange { $0.ledger.position("BTCUSDT").amount.isZero })
    }

    @Test("a dropped stream is recorded as WebSocketDisconnected, then WebSocketReconnected")
    func streamStateEvents() throws {
        let setup = try Setup()
        let sim = setup.sim
        let events = EventStore(database: setup.database)
        func count(_ type: EventType) -> Int { (try? events.events(matching: EventFilter(types: [type])).count) ?? -1 }
        let bot = try setup.startBot()
        #expect(eventually(within: 10) { count(.webSocketConnected) == 1 })
        let control = try RawClient(port: setup.server.port)
        try control.send("POST /sim/v1/streams/drop HTTP/1.1\r\nHost: s\r\nAuthorization: Bearer \(sim.configuration.controlToken)\r\nContent-Length: 0\r\n\r\n")
        _ = try control.readResponse()
        #expect(eventually(within: 10) { count(.webSocketDisconnected) == 1 && count(.webSocketReconnected) == 1 })
        #expect(bot.stop() == 0)
    }
}
