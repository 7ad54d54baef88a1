import AlphaBot
import AlphaCore
import AlphaStore
import AlphaTestSupport
import AlphaWeb
import Foundation
import Synchronization
import Testing

/// The bot and the web reach storage only through `StorageBackend`, `Storage` and the repository
/// protocols, so a second backend (PostgreSQL) is added beside SQLite without touching either.
/// These run both over a `Storage` that is not `SQLiteStorage` — a decorator that records what
/// was asked of it — and check that their sources name no SQLite type.
@Suite("Storage seam: the bot and the web run over any Storage")
struct StorageSeamTests {
    @Test("the bot's kernel boots, places an order and beats over a Storage of the test's own")
    func botOverAnotherStorage() throws {
        let recorder = Recorder()
        let world = try KernelWorld(storage: { RecordingStorage(SQLiteStorage($0), recorder) })
        try world.runner.boot()
        let order = try world.command(.placeOrder, ["symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.010"])
        for _ in 0..<20 {
            try world.runner.kernel.turn()
            world.clock.advance(milliseconds: 100)
        }
        #expect(try world.commands.command(id: order.id)?.status == .acknowledged)
        #expect(world.heartbeatAt != nil)
        #expect(recorder.used.isSuperset(of: ["eventJournal", "commands", "configs", "heartbeats", "changeFeed"]), "\(recorder.used)")
    }

    @Test("the web answers its health, readiness and login over a backend of the test's own")
    func webOverAnotherBackend() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seam-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("web.db").path
        _ = try Database.openMigrated(path: path)
        let recorder = Recorder()
        let backend = RecordingBackend(path: path, recorder: recorder)
        let app = try WebApp(settings: WebSettings(storage: backend, mode: .sim, openAPIDocument: []), secret: Array(repeating: 7, count: 32))
        try app.start()
        defer { app.stop() }
        let client = try RawClient(port: app.port)
        try client.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        try client.send("GET /api/ready HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try client.readResponse().status == 503, "no bot has beaten")
        let body = #"{"username":"nobody","password":"not-a-password"}"#
        try client.send("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        #expect(try client.readResponse().status == 401)
        #expect(recorder.used.isSuperset(of: ["open", "projections", "heartbeats", "users", "sessionRevocations"]), "\(recorder.used)")
    }

    @Test("no source file of the bot or the web names a SQLite type (comments aside)")
    func sourcesNameNoSQLiteType() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let forbidden = ["Database", "SQLiteStorage", "SQLiteChangeFeed", "EventStore", "CommandStore", "ProjectionStore", "ConfigStore",
                         "HeartbeatStore", "UserStore", "ApiTokenStore", "SessionRevocations", "EventWriter", "Statement"]
        // The web's one convenience: `WebSettings(databasePath:)` means the SQLite backend.
        let allowed = ["SQLiteBackend(path: databasePath)"]
        var offenders: [String] = []
        for target in ["Sources/AlphaBot", "Sources/AlphaWeb"] {
            let directory = root.appendingPathComponent(target)
            let files = FileManager.default.enumerator(atPath: directory.path)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") } ?? []
            #expect(!files.isEmpty)
            for file in files {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    let code = line.trimmingCharacters(in: .whitespaces)
                    guard !code.hasPrefix("//"), !allowed.contains(where: code.contains) else { continue }
                    let words = Set(code.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init))
                    for name in forbidden where words.contains(name) { offenders.append("\(target)/\(file):\(number + 1) \(name)") }
                }
            }
        }
        #expect(offenders.isEmpty, "\(offenders)")
    }
}

/// Which members of a storage were reached.
final class Recorder: Sendable {
    private let names = Mutex<Set<String>>([])
    var used: Set<String> { names.withLock { $0 } }
    func note(_ name: String) { names.withLock { _ = $0.insert(name) } }
}

/// A backend that is not `SQLiteBackend`: it opens recording storages over the same file.
struct RecordingBackend: StorageBackend {
    let path: String
    let recorder: Recorder
    var venue: VenueCapabilities { .binanceUSDM }

    func open(memory: Database.MemoryProfile) throws -> any Storage {
        recorder.note("open")
        return RecordingStorage(SQLiteStorage(try Database(path: path, memory: memory)), recorder)
    }
}

/// A `Storage` that forwards to another and notes each repository asked for.
final class RecordingStorage: Storage {
    private let inner: any Storage
    private let recorder: Recorder

    init(_ inner: any Storage, _ recorder: Recorder) {
        self.inner = inner
        self.recorder = recorder
    }

    private func noted<T>(_ name: String, _ value: T) -> T {
        recorder.note(name)
        return value
    }

    var venue: VenueCapabilities { inner.venue }
    var events: any EventLog { noted("events", inner.events) }
    var commands: any CommandQueue { noted("commands", inner.commands) }
    var projections: any ProjectionReader { noted("projections", inner.projections) }
    var configs: any ConfigRepository { noted("configs", inner.configs) }
    var heartbeats: any HeartbeatRepository { noted("heartbeats", inner.heartbeats) }
    var marketData: any MarketDataRepository { noted("marketData", inner.marketData) }
    var backtests: any BacktestRepository { noted("backtests", inner.backtests) }
    var users: any UserRepository { noted("users", inner.users) }
    var apiTokens: any APITokenRepository { noted("apiTokens", inner.apiTokens) }
    var sessionRevocations: any SessionRevocationRepository { noted("sessionRevocations", inner.sessionRevocations) }
    var notifications: any NotificationOutbox { noted("notifications", inner.notifications) }
    func transaction<T>(_ body: () throws -> T) throws -> T { recorder.note("transaction"); return try inner.transaction(body) }
    func snapshot<T>(_ body: () throws -> T) throws -> T { recorder.note("snapshot"); return try inner.snapshot(body) }
    func ping() throws { recorder.note("ping"); try inner.ping() }
    func abandonTransaction() { inner.abandonTransaction() }
    func changeFeed(pollMicroseconds: UInt32) -> any ChangeFeed { noted("changeFeed", inner.changeFeed(pollMicroseconds: pollMicroseconds)) }
    func eventJournal(residentTerminalOrders: Int) throws -> any EventJournal {
        noted("eventJournal", try inner.eventJournal(residentTerminalOrders: residentTerminalOrders))
    }
}
