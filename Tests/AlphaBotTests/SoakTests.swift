import AlphaCore
import AlphaCrypto
import AlphaJSON
import AlphaSim
import AlphaStore
import AlphaTestSupport
import Foundation
import Synchronization
import Testing

/// The soak run (issue 17): market time at an accelerated clock through the whole system — the
/// simulator's seeded market, the real bot with a strategy and notifications, the real web with
/// a live-stream client and periodic API reads — and at the end: memory flat, no error logged,
/// and the chaos tests' invariants (one exchange order per command, every trade once, money to
/// the last decimal). CI runs `SOAK_MARKET_HOURS` (3 by default); `make soak` runs a full day.
@Suite("Soak: a day of market time through sim, bot, web, stream and notifier", .serialized)
struct SoakTests {
    static var marketHours: Double { Double(ProcessInfo.processInfo.environment["SOAK_MARKET_HOURS"] ?? "") ?? 3 }
    static var speed: Double { Double(ProcessInfo.processInfo.environment["SOAK_SPEED"] ?? "") ?? 240 }

    /// One sample of a process's memory, in KiB: resident; held in caches that stop at their limit
    /// (SQLite's page caches, the web's stream ring); malloc's live bytes; and the resident pages
    /// that are anonymous (heap, stacks) and file-backed (the binary, libraries).
    typealias Memory = (resident: Int, bounded: Int, heap: Int, anon: Int, file: Int)

    /// RssAnon and RssFile of a process, in KiB (/proc/PID/status).
    static func residentSplit(_ pid: Int32) -> (anon: Int, file: Int)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int? {
            text.split(separator: "\n").first { $0.hasPrefix(name) }.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") }
        }
        guard let anon = field("RssAnon:"), let file = field("RssFile:") else { return nil }
        return (anon, file)
    }

    static func median(_ values: [Int]) -> Int { values.isEmpty ? 0 : values.sorted()[values.count / 2] }

    /// The web process with its log in a file (a long run must not fill a pipe).
    static func startWeb(_ directory: String, storageURL: String? = nil) throws -> (Process, UInt16) {
        let log = directory + "/web.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = BuiltExecutable.url("alphaengine")
        process.arguments = ["web", "--data-dir", directory, "--port", "0"]
        process.environment = ["PATH": "/usr/bin:/bin", "ALPHAENGINE_WEB_SECRET_KEY": "a-web-secret-of-more-than-32-bytes-for-tests"]
        for (name, value) in ProcessInfo.processInfo.environment where name.hasPrefix("MALLOC_") { process.environment?[name] = value }
        if let storageURL { process.environment?["ALPHAENGINE_STORAGE"] = storageURL }
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var port: UInt16?
        _ = eventually(within: 20) {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "127.0.0.1:") { port = UInt16(text[range.upperBound...].prefix { $0.isNumber }) }
            return port != nil
        }
        guard let port else { throw RawClient.Failure(description: "web did not start") }
        return (process, port)
    }

    @Test("market hours at an accelerated clock: memory outside SQLite flat, no error logged, every order once, every trade once, money exact, every notification once")
    func soak() throws {
        let world = try BotWorld(botArguments: ["--reconcile-ms", "2000"])
        var settings = SimMarketDriver.Settings()
        settings.speed = Self.speed
        settings.historyDays = 1
        settings.seed = 20_261_207
        let driver = SimMarketDriver(service: world.sim, settings: settings)
        let store = ConfigStore(database: world.database)
        var config = try store.runtime().value
        config.strategyName = "sma_cross"
        config.strategyTimeframe = "1m"
        config.strategyParams = ["fast": 3, "slow": 8, "quantity": "0.01", "direction": "both"]
        _ = try store.updateRuntime(config, expectedVersion: try store.runtime().version, by: "soak")
        try UserStore(database: world.database).add(name: "ana", role: "admin", passwordHash: PasswordHash.make("ana's long password", iterations: 1_000))
        let messenger = try FakeMessenger()
        let secrets = try NotifierProcessTests.secrets(world, "  per_minute: 600\n  slack: { webhook_url: \"\(messenger.slackURL)\" }\n")

        try world.startBot(["--config", secrets])
        #expect(eventually(within: 30) { world.count(.strategyEvaluated) > 0 }, "the strategy's boot evaluation: \(world.log.suffix(2000))")
        let (web, port) = try Self.startWeb(world.directory, storageURL: world.storageURL)
        defer { if web.isRunning { kill(web.processIdentifier, SIGKILL); web.waitUntilExit() } }
        func call(_ method: String, _ target: String, token: String? = nil, body: String? = nil) throws -> (status: Int, text: String) {
            let client = try RawClient(port: port, timeoutSeconds: 10)
            var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            if let token { head += "Authorization: Bearer \(token)\r\n" }
            if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
            try client.send(head + "\r\n" + (body ?? ""))
            let response = try client.readResponse()
            return (response.status, String(decoding: response.body, as: UTF8.self))
        }
        let login = try call("POST", "/api/auth/login", body: #"{"username":"ana","password":"ana's long password"}"#)
        let token = try JSONParser.parseObject(login.text).string("token")

        // A live-stream client for the whole run, on its own thread.
        let stream = try RawClient(port: port, timeoutSeconds: 2)
        try stream.send("GET /api/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n\r\n")
        let streamedLast = Atomic<Int64>(0), frames = Atomic<Int>(0), streaming = Atomic<Bool>(true)
        let streamBox = UncheckedBox(stream)
        let streamThread = Thread {
            var pending = ""
            while streaming.load(ordering: .relaxed) {
                guard streamBox.value.fill() else { continue }
                pending += streamBox.value.take()
                guard let cut = pending.range(of: "\n\n", options: .backwards) else { continue }
                let ids = StreamFrames.ids(String(pending[..<cut.upperBound]))
                pending = String(pending[cut.upperBound...])
                frames.add(ids.count, ordering: .relaxed)
                if let last = ids.last { streamedLast.store(last, ordering: .relaxed) }
            }
        }
        streamThread.start()

        // The run: the market moves on its own; the API is read and memory sampled every 2 s.
        let startMarket = world.sim.marketNow(), startWall = Date()
        let target = Int64(Self.marketHours * 3_600_000)
        var bot: [Memory] = [], webMemory: [Memory] = []
        var reads = 0, failures: [String] = [], residentOrders = 0
        driver.start()
        var tick = 0
        while world.sim.marketNow() - startMarket < target {
            usleep(1_000_000)
            tick += 1
            if tick % 2 == 0 {
                for route in ["/api/dashboard", "/api/orders?status=all&limit=50", "/api/pnl", "/api/trades?limit=50", "/metrics"] {
                    do {
                        let reply = try call("GET", route, token: token)
                        reads += 1
                        if reply.status != 200 { failures.append("\(route): \(reply.status)") }
                    } catch {
                        failures.append("\(route): \(error)")
                    }
                }
            }
            if tick % 2 == 1, let metrics = try? call("GET", "/metrics", token: token).text {
                // Each process's resident memory and the part of it SQLite holds, as /metrics reports them.
                func value(_ name: String) -> Int? {
                    metrics.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }.map { Int($0 / 1024) }
                }
                if let resident = value("alphaengine_bot_resident_bytes"), let sqlite = value("alphaengine_bot_sqlite_bytes"),
                   let heap = value("alphaengine_bot_heap_bytes"), let pid = world.botPID, let split = Self.residentSplit(pid) {
                    bot.append((resident, sqlite, heap, split.anon, split.file))
                }
                // The web's stream keeps its latest 8192 events for resuming clients: bounded, and
                // counted apart like SQLite's caches.
                if let resident = value("alphaengine_web_resident_bytes"), let sqlite = value("alphaengine_web_sqlite_bytes"),
                   let ring = value("alphaengine_sse_retained_bytes"),
                   let heap = value("alphaengine_web_heap_bytes"), let split = Self.residentSplit(web.processIdentifier) {
                    webMemory.append((resident, sqlite + ring, heap, split.anon, split.file))
                }
                residentOrders = metrics.split(separator: "\n").first { $0.hasPrefix("alphaengine_bot_resident_orders ") }
                    .flatMap { Double($0.split(separator: " ").last ?? "") }.map { Int($0) } ?? residentOrders
            }
            #expect(world.botIsRunning, "the bot stopped: \(world.log.suffix(3000))")
            if !world.botIsRunning { break }
        }
        driver.stop()
        let wallSeconds = Date().timeIntervalSince(startWall)

        // Calm: every command settled, a reconcile, the stream caught up with the log.
        #expect(eventually(within: 60) {
            ((try? world.commands.countsByStatus()) ?? [:]).filter { $0.key == .new || $0.key == .sent }.values.reduce(0, +) == 0
        })
        #expect(world.settled(try world.command(.runReconcile, actor: .system), within: 30)?.status == .acknowledged)
        let lastSeq = try world.events.lastSeq()
        #expect(eventually(within: 20) { streamedLast.load(ordering: .relaxed) >= lastSeq }, "the stream reached the log's end")
        let storage = world.storage
        #expect(eventually(within: 60) { ((try? storage.notifications.counts()["slack"]?.pending) ?? 1) == 0 }, "every notification delivered")
        streaming.store(false, ordering: .relaxed)
        kill(web.processIdentifier, SIGTERM)
        web.waitUntilExit()
        #expect(web.terminationStatus == 0)
        #expect(world.stopBot() == 0)
        usleep(2_200_000)  // the stream thread's read times out and it ends

        // The chaos tests' invariants.
        let orderCommands = try world.commands.list(status: nil, type: .placeOrder, limit: 100_000)
        var byClientID: [String: Int] = [:]
        for order in world.sim.withExchange({ Array($0.orders.values) }) { byClientID[order.clientOrderId, default: 0] += 1 }
        #expect(byClientID.values.allSatisfy { $0 == 1 }, "a client order id was used twice")
        for command in orderCommands {
            let final = try #require(try world.commands.command(id: command.id))
            #expect((byClientID[try command.clientOrderID.value] ?? 0) == (final.status == .acknowledged ? 1 : 0), "\(final.status) command, wrong order count")
        }
        let evaluated = world.stored(.strategyEvaluated).compactMap { try? StrategyEvaluatedPayload(json: $0.payload) }.map(\.candleOpenTime)
        #expect(Set(evaluated).count == evaluated.count, "a candle was evaluated twice")
        #expect(world.storedTradeIDs() == world.ledgerTradeIDs(), "trades differ from the exchange's")
        #expect(world.moneyAgrees(), "money differs from the ledger: \(world.moneyReport())")
        #expect(world.count(.quarantineStarted) == 0)
        let delivered = messenger.slack.compactMap(\.idempotencyKey)
        #expect(delivered.count == Set(delivered).count, "a notification arrived twice")
        #expect(failures.isEmpty, "API reads failed: \(failures.prefix(5))")

        // No error logged by either process.
        let webLog = (try? String(contentsOfFile: world.directory + "/web.log", encoding: .utf8)) ?? ""
        let errors = (world.log + webLog).split(separator: "\n").filter { $0.contains(": error ") || $0.contains(": critical ") }
        #expect(errors.isEmpty, "\(errors.prefix(10).joined(separator: "\n"))")

        // Memory flat: SQLite's page caches (4 MiB a connection) and the web's stream ring (8192
        // events) grow up to their limit, so what must not grow is the rest. After the first fifth (warming up), the
        // last quarter's median against the first quarter's.
        func flat(_ samples: [Memory], _ name: String) -> String {
            let settled = Array(samples.dropFirst(samples.count / 5))
            let quarter = max(1, settled.count / 4)
            func medians(_ series: [Int]) -> [Int] { (0..<4).map { Self.median(Array(series.dropFirst($0 * quarter).prefix(quarter))) } }
            let rest = medians(settled.map { $0.resident - $0.bounded }), bounded = medians(settled.map(\.bounded)), total = medians(settled.map(\.resident))
            let heap = medians(settled.map(\.heap)), anon = medians(settled.map(\.anon)), file = medians(settled.map(\.file))
            #expect(settled.count >= 4, "too few memory samples for \(name)")
            #expect(rest[3] <= rest[0] + rest[0] / 20 + 1_024, "\(name): memory outside SQLite grew from \(rest[0]) KiB to \(rest[3]) KiB: \(samples)")
            func line(_ values: [Int]) -> String { values.map(String.init).joined(separator: " → ") }
            return "\(name) by quarter (KiB): resident \(line(total)), SQLite\(name == "web" ? " and the stream's ring" : "") \(line(bounded)), the rest \(line(rest)), malloc in use \(line(heap)), anonymous \(line(anon)), file-backed \(line(file)) "
                + "(\(samples.count) samples)"
        }
        // The bot holds nothing that grows with time outside its bounded caches: its anonymous
        // memory (heap and stacks) may not creep. A closure re-wrapped on every market message once
        // grew the market stream's stack by ~100 KiB a market hour here, on its way to an overflow.
        let botSettled = Array(bot.dropFirst(bot.count / 5))
        if botSettled.count >= 8 {
            let quarter = botSettled.count / 4
            let early = Self.median(botSettled.prefix(quarter).map(\.anon)), late = Self.median(botSettled.suffix(quarter).map(\.anon))
            let perHour = Double(late - early) / (Self.marketHours * 0.6)  // the quarters' medians are 3/5 of the run apart
            #expect(perHour <= 32, "the bot's anonymous memory grows \(Int(perHour)) KiB a market hour (\(early) → \(late) KiB)")
        }
        let trades = world.ledgerTradeIDs().count
        let fundings = world.count(.fundingApplied)
        print("soak: \(String(format: "%.1f", Self.marketHours)) market hours in \(String(format: "%.0f", wallSeconds)) s (\(Int(Self.speed))×); "
            + "\(evaluated.count) candles evaluated, \(orderCommands.count) order commands, \(byClientID.count) orders, \(trades) trades, "
            + "\(fundings) funding events, \(lastSeq) events, \(frames.load(ordering: .relaxed)) stream frames, \(reads) API reads, "
            + "\(delivered.count) notifications, \(residentOrders) orders resident in the bot; \(flat(bot, "bot")); \(flat(webMemory, "web"))")
    }
}
