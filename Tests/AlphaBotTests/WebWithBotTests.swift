import AlphaCore
import AlphaCrypto
import AlphaJSON
import AlphaStore
import AlphaTestSupport
import Foundation
import Synchronization
import Testing

/// The real `alphaengine web` process beside the real bot process, one SQLite file between them.
final class WebProcess: @unchecked Sendable {
    let process = Process()
    let port: UInt16
    private let errors = Pipe()

    init(dataDirectory: String, arguments: [String] = [], environment: [String: String] = [:]) throws {
        process.executableURL = BuiltExecutable.url("alphaengine")
        process.arguments = ["web", "--data-dir", dataDirectory, "--port", "0",
                             "--openapi", PythonPeer.repositoryRoot.appendingPathComponent("openapi.yaml").path] + arguments
        process.environment = ["PATH": "/usr/bin:/bin", "ALPHAENGINE_WEB_SECRET_KEY": "a-web-secret-of-more-than-32-bytes-for-tests"]
            .merging(environment) { $1 }
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // "alphaengine web: listening on http://127.0.0.1:PORT (sim)"
        var text = ""
        while !text.contains(" (sim)") {
            let data = errors.fileHandleForReading.availableData
            guard !data.isEmpty else { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let range = text.range(of: "127.0.0.1:"), let port = UInt16(text[range.upperBound...].prefix { $0.isNumber }) else {
            throw RawClient.Failure(description: "web did not start: \(text)")
        }
        self.port = port
    }

    /// A test that ends early (a failed expectation, an early return) leaves no web running.
    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

    /// SIGTERM, and what the process wrote to stderr after starting.
    func stop() -> (status: Int32, log: String) {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        let rest = errors.fileHandleForReading.readDataToEndOfFile()
        return (process.terminationStatus, String(decoding: rest, as: UTF8.self))
    }

    func call(_ method: String, _ target: String, token: String? = nil, headers: [(String, String)] = [],
              body: String? = nil) throws -> (status: Int, json: JSONObject) {
        let client = try RawClient(port: port, timeoutSeconds: 10)
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        try client.send(head + "\r\n" + (body ?? ""))
        let response = try client.readResponse()
        let parsed = try? response.body.withUnsafeBufferPointer { try JSONParser.parse($0) }
        guard case .object(let object)? = parsed else { return (response.status, [:]) }
        return (response.status, object)
    }
}

@Suite("Web and bot together: one store, two processes", .serialized)
struct WebWithBotTests {
    @Test("the web serves reads, commands and the stream while the bot trades: no errors, every order once, every event streamed once in order")
    func concurrent() throws {
        let world = try BotWorld()
        try UserStore(database: world.database).add(name: "ana", role: "admin", passwordHash: PasswordHash.make("ana's long password", iterations: 1_000))
        try world.startBot()
        let web = try WebProcess(dataDirectory: world.directory, environment: world.storageURL.map { ["ALPHAENGINE_STORAGE": $0] } ?? [:])
        let login = try web.call("POST", "/api/auth/login", body: #"{"username":"ana","password":"ana's long password"}"#)
        guard case .string(let token)? = login.json["token"] else { Issue.record("login failed: \(login.status)"); return }
        #expect(eventually(within: 20) { (try? web.call("GET", "/api/ready").status) == 200 }, "the bot's heartbeat makes the web ready")

        // A stream from the start of the log, read on its own thread.
        let stream = UncheckedBox(try RawClient(port: web.port, timeoutSeconds: 2)).value
        try stream.send("GET /api/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nLast-Event-ID: 0\r\n\r\n")
        let streamed = Mutex<String>("")
        let streaming = Atomic<Bool>(true)
        let streamBox = UncheckedBox(stream)
        let streamThread = Thread {
            let stream = streamBox.value
            while streaming.load(ordering: .relaxed) {
                if stream.fill() { let text = stream.take(); streamed.withLock { $0 += text } }
            }
        }
        streamThread.start()

        // Readers hammer the read routes while commands go in and the bot writes.
        let failures = Mutex<[String]>([])
        let reads = Atomic<Int>(0)
        let reading = Atomic<Bool>(true)
        var readers: [Thread] = []
        for index in 0..<3 {
            let thread = Thread {
                let routes = ["/api/dashboard", "/api/events?limit=200", "/api/orders?status=all", "/api/trades", "/api/positions"]
                var turn = index
                while reading.load(ordering: .relaxed) {
                    let route = routes[turn % routes.count]
                    turn += 1
                    do {
                        let reply = try web.call("GET", route, token: token)
                        if reply.status != 200 { failures.withLock { $0.append("\(route): \(reply.status)") } }
                        reads.add(1, ordering: .relaxed)
                    } catch {
                        failures.withLock { $0.append("\(route): \(error)") }
                    }
                }
            }
            thread.start()
            readers.append(thread)
        }

        var ids: [String] = []
        for index in 0..<12 {
            let side = index % 2 == 0 ? "BUY" : "SELL"
            let body = #"{"type":"PlaceOrder","payload":{"symbol":"BTCUSDT","side":"\#(side)","type":"MARKET","quantity":"0.010"}}"#
            let key = [("Idempotency-Key", "concurrent-\(index)")]
            let first = try web.call("POST", "/api/commands", token: token, headers: key, body: body)
            #expect(first.status == 202)
            // A client retrying the same POST (say after a timeout) gets the same command back.
            let again = try web.call("POST", "/api/commands", token: token, headers: key, body: body)
            #expect(again.status == 200 && again.json["id"] == first.json["id"])
            if case .string(let id)? = first.json["id"] { ids.append(id) }
        }
        let settled = eventually(within: 30) {
            ids.allSatisfy { id in
                let status = (try? web.call("GET", "/api/commands/\(id)", token: token).json["status"]) ?? nil
                return status == .string("ACK")
            }
        }
        #expect(settled, "every command followed to ACK through the API")
        _ = eventually(within: 5) { (try? web.call("GET", "/api/trades?limit=1000", token: token)).map { reply in
            if case .array(let trades)? = reply.json["trades"] { return trades.count >= 12 } else { return false } } ?? false }
        reading.store(false, ordering: .relaxed)
        for _ in readers { usleep(0) }
        usleep(300_000)

        let lastSeq = try world.events.lastSeq()
        #expect(eventually(within: 5) { streamed.withLock { StreamFrames.ids($0).last } == lastSeq })
        streaming.store(false, ordering: .relaxed)
        usleep(2_200_000)  // the stream thread's read times out and it ends
        let streamedIDs = streamed.withLock { StreamFrames.ids($0) }
        let storedIDs = try world.events.events(after: 0, limit: 100_000).compactMap(\.seq)
        // The bot goes on writing (reconcile runs) while the stream is being closed: the stream
        // must equal the log up to where it stopped, and reach at least the commands' last event.
        #expect(Array(storedIDs.prefix(streamedIDs.count)) == streamedIDs, "every stored event streamed once, in order")
        #expect((streamedIDs.last ?? 0) >= lastSeq)

        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 }.prefix(5))")
        #expect(reads.load(ordering: .relaxed) > 50, "the readers really ran alongside (\(reads.load(ordering: .relaxed)))")
        for id in ids {
            let command = try #require(try world.commands.command(id: id))
            let clientOrderID = try command.clientOrderID.value
            #expect(world.exchangeOrders(clientOrderID) == 1, "one exchange order per command")
        }
        #expect(eventually(within: 10) { world.moneyAgrees() }, "\(world.moneyReport())")
        let (status, log) = web.stop()
        #expect(status == 0 && log.contains("alphaengine web: stopped"))
        #expect(!log.contains("internal") && !log.contains("locked"), "\(log)")
        world.stopBot()
        #expect(!world.log.contains("database is locked"))
    }
}

enum StreamFrames {
    static func ids(_ text: String) -> [Int64] {
        text.split(separator: "\n").compactMap { line in line.hasPrefix("id: ") ? Int64(line.dropFirst(4)) : nil }
    }
}

/// Hands a value to one other thread that is its only user from then on.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
