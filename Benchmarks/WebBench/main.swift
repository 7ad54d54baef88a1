import AlphaCore
import AlphaCrypto
import AlphaSettings
import AlphaStore
import AlphaTestSupport
import Foundation
import CLinux
import Glibc

// The web process's benchmarks (never tests). Used by scripts/bench-web (`make bench-web`):
//
//   alphaengine-web-bench seed DATA_DIR EVENTS
//       a sim store with EVENTS events of a year of trading and the user `bench` (admin)
//   alphaengine-web-bench fanout SUBSCRIBERS EVENTS [postgresql]
//       … on a PostgreSQL store of its own (a scratch cluster, durable settings) instead of SQLite
//       starts `alphaengine web` (release, beside this binary) on a fresh store, opens SUBSCRIBERS
//       event streams, commits EVENTS events one by one, and reports commit → delivery latency
//       over every (event, subscriber) pair

func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

func die(_ message: String) -> Never {
    FileHandle.standardError.write(Data("alphaengine-web-bench: \(message)\n".utf8))
    exit(1)
}

func nowMicros() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds / 1_000) }

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
}

let benchPassword = "bench password, long enough"

/// Writes `count` events of a year of trading (at most 20 orders open) and the `bench` user.
func seed(directory: String, count: Int, storageURL: String? = nil) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let database = try open(directory: directory, storageURL: storageURL)
    let writer = try EventWriter(database: database)
    var factory = EventFactory(seed: 42, maxStepMilliseconds: 63_000, maxOpenOrders: 20)
    var written = 0
    while written < count {
        let batch = (0..<min(1_000, count - written)).map { _ in factory.next() }
        try writer.append(batch)
        written += batch.count
    }
    if try UserStore(database: database).user(named: "bench") == nil {
        try UserStore(database: database).add(name: "bench", role: "admin", passwordHash: PasswordHash.make(benchPassword))
    }
}

// MARK: Requests

func login(_ port: UInt16) -> String {
    let body = #"{"username":"bench","password":"\#(benchPassword)"}"#
    do {
        let client = try RawClient(port: port)
        try client.send("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let response = try client.readResponse().text
        guard let start = response.range(of: #""token":""#), let end = response[start.upperBound...].firstIndex(of: "\"") else {
            die("login failed: \(response.prefix(300))")
        }
        return String(response[start.upperBound..<end])
    } catch {
        die("login: \(error)")
    }
}

// MARK: SSE fan-out

/// The bench's store: the data directory's SQLite file, or the PostgreSQL database at `storageURL`.
func open(directory: String, storageURL: String?) throws -> any SQLConnection {
    if let storageURL { return (try PostgresBackend(url: storageURL).open() as! PostgresStorage).connection }
    return try Database.openMigrated(path: databasePath(dataDirectory: directory, mode: .sim))
}

func fanout(subscribers: Int, events: Int, storageURL: String? = nil) throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("web-bench-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    try seed(directory: directory, count: 1_000, storageURL: storageURL)
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("alphaengine").path
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let web = Process()
    web.executableURL = URL(fileURLWithPath: executable)
    web.arguments = ["web", "--data-dir", directory, "--port", "0", "--openapi", root.appendingPathComponent("openapi.yaml").path]
    web.environment = ["PATH": "/usr/bin:/bin", "ALPHAENGINE_WEB_SECRET_KEY": String(repeating: "k", count: 40)]
    if let storageURL { web.environment?["ALPHAENGINE_STORAGE"] = storageURL }
    let errors = Pipe()
    web.standardError = errors
    try web.run()
    defer { kill(web.processIdentifier, SIGTERM); web.waitUntilExit() }
    var banner = ""
    while !banner.contains(" (sim)") {
        let data = errors.fileHandleForReading.availableData
        if data.isEmpty { die("web did not start: \(banner)") }
        banner += String(decoding: data, as: UTF8.self)
    }
    guard let range = banner.range(of: "127.0.0.1:"), let port = UInt16(banner[range.upperBound...].prefix { $0.isNumber }) else {
        die("no port in: \(banner)")
    }
    let token = login(port)

    // Every subscriber connected and past its response head before the first commit.
    let poller = epoll_create1(0)
    var clients: [RawClient] = []
    var pending: [Int32: [UInt8]] = [:]
    for _ in 0..<subscribers {
        let client = try RawClient(port: port)
        clients.append(client)
        let descriptor = client.descriptor
        var on: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, 35 /* SO_TIMESTAMPNS */, &on, socklen_t(MemoryLayout<Int32>.size))
        try client.send("GET /api/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n\r\n")
        pending[descriptor] = []
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: descriptor))
        epoll_ctl(poller, EPOLL_CTL_ADD, descriptor, &event)
    }
    let streamDatabase = try open(directory: directory, storageURL: storageURL)
    let writer = try EventWriter(database: streamDatabase)
    var committedAt: [Int64: Int64] = [:]
    var delivered: [Int64: Int] = [:]
    var latencies: [Double] = []
    latencies.reserveCapacity(subscribers * events)
    var heads = 0
    var firstDelivery: [Double] = [], lastDelivery: [Double] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    var ready = [epoll_event](repeating: epoll_event(), count: 512)

    /// Reads whatever is ready. Each frame is stamped with the kernel's receive time of the
    /// bytes that completed it (SO_TIMESTAMPNS), so how long this one client thread takes to get
    /// round 500 sockets does not count against the server.
    func pump(timeoutMilliseconds: Int32) {
        let count = epoll_wait(poller, &ready, Int32(ready.count), timeoutMilliseconds)
        guard count > 0 else { return }
        for index in 0..<Int(count) {
            let descriptor = ready[index].data.fd
            let (received, arrived) = receiveStamped(descriptor, &buffer)
            if received <= 0 { die("a stream closed (subscriber \(descriptor))") }
            pending[descriptor]! += buffer[0..<received]
            while let end = find(pending[descriptor]!, [0x0A, 0x0A]) {
                let frame = String(decoding: pending[descriptor]![..<end], as: UTF8.self)
                pending[descriptor]!.removeSubrange(..<(end + 2))
                // The head ends in CRLF CRLF, so it arrives joined to the `retry:` line after it.
                if frame.hasPrefix("HTTP/") && !frame.hasPrefix("HTTP/1.1 200") { die("stream refused: \(frame)") }
                if frame.contains("retry:") { heads += 1; continue }
                guard let idLine = frame.split(separator: "\n").first(where: { $0.hasPrefix("id: ") }),
                      let id = Int64(idLine.dropFirst(4)), let start = committedAt[id] else { continue }
                let latency = Double(arrived - start) / 1000
                latencies.append(latency)
                delivered[id, default: 0] += 1
                if delivered[id] == 1 { firstDelivery.append(latency) }
                if delivered[id] == subscribers { lastDelivery.append(latency) }
            }
        }
    }
    let connectStart = nowMicros()
    while heads < subscribers {
        pump(timeoutMilliseconds: 1000)
        if nowMicros() - connectStart > 30_000_000 { die("only \(heads) of \(subscribers) streams opened in 30 s") }
    }
    say("\(subscribers) streams open; committing \(events) events, one every 20 ms")
    var factory = EventFactory(seed: 7, maxStepMilliseconds: 1_000, maxOpenOrders: 20)
    for _ in 0..<events {
        let event = factory.next()
        let before = realtimeMicros()
        guard case .appended(let seq) = try writer.append(event) else { continue }
        committedAt[seq] = before  // the commit returns after this; measuring from before it is conservative
        let until = nowMicros() + 20_000
        while nowMicros() < until { pump(timeoutMilliseconds: 1) }
    }
    let drainStart = nowMicros()
    while delivered.values.reduce(0, +) < committedAt.count * subscribers, nowMicros() - drainStart < 10_000_000 {
        pump(timeoutMilliseconds: 10)
    }
    let expected = committedAt.count * subscribers
    let sorted = latencies.sorted()
    say(String(format: "commit → SSE frame at %d subscribers: p50 %.2f ms   p99 %.2f ms   max %.2f ms   (n=%d of %d; target p99 < 10 ms → %.1f× headroom)",
               subscribers, percentile(sorted, 0.5), percentile(sorted, 0.99), sorted.last ?? 0, latencies.count, expected,
               10 / percentile(sorted, 0.99)))
    let first = firstDelivery.sorted(), last = lastDelivery.sorted()
    say(String(format: "  per event: first subscriber p50 %.2f ms p99 %.2f ms; last subscriber p50 %.2f ms p99 %.2f ms",
               percentile(first, 0.5), percentile(first, 0.99), percentile(last, 0.5), percentile(last, 0.99)))
    if latencies.count != expected { die("\(expected - latencies.count) deliveries missing") }
    clients.removeAll()
}

/// CLOCK_REALTIME in µs: the clock the kernel's receive timestamps use.
func realtimeMicros() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000
}

/// recvmsg with the SCM_TIMESTAMPNS control message: the bytes and when the kernel received them.
func receiveStamped(_ descriptor: Int32, _ buffer: inout [UInt8]) -> (Int, Int64) {
    var control = [UInt64](repeating: 0, count: 8)  // cmsghdr (16 bytes) + timespec (16 bytes), 8-aligned
    let count = buffer.withUnsafeMutableBytes { bytes -> Int in
        control.withUnsafeMutableBytes { controlBytes -> Int in
            var vector = iovec(iov_base: bytes.baseAddress, iov_len: bytes.count)
            return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                var message = msghdr()
                message.msg_iov = vectorPointer
                message.msg_iovlen = 1
                message.msg_control = controlBytes.baseAddress
                message.msg_controllen = controlBytes.count
                return recvmsg(descriptor, &message, 0)
            }
        }
    }
    // cmsghdr: cmsg_len (8), cmsg_level (4), cmsg_type (4), then the timespec.
    guard count > 0, control[0] >= 32, UInt32(truncatingIfNeeded: control[1] >> 32) == 35 else { return (count, realtimeMicros()) }
    return (count, Int64(control[2]) * 1_000_000 + Int64(control[3]) / 1_000)
}

func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
    guard haystack.count >= needle.count else { return nil }
    for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] && haystack[start + 1] == needle[1] {
        return start
    }
    return nil
}

// MARK: Main

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    switch arguments.first {
    case "seed" where arguments.count == 3:
        guard let count = Int(arguments[2]) else { die("EVENTS must be a number") }
        let start = nowMicros()
        try seed(directory: arguments[1], count: count)
        say(String(format: "seeded %d events in %.1f s", count, Double(nowMicros() - start) / 1e6))
    case "fanout" where arguments.count == 4 && arguments[3] == "postgresql":
        guard let subscribers = Int(arguments[1]), let events = Int(arguments[2]) else { die("fanout SUBSCRIBERS EVENTS postgresql") }
        let cluster = try ScratchPostgres(settings: ScratchPostgres.durable)
        say("PostgreSQL (\(cluster.settings.joined(separator: " ")))")
        try fanout(subscribers: subscribers, events: events, storageURL: try cluster.database())
    case "fanout" where arguments.count == 3:
        guard let subscribers = Int(arguments[1]), let events = Int(arguments[2]) else { die("SUBSCRIBERS and EVENTS must be numbers") }
        try fanout(subscribers: subscribers, events: events)
    default:
        die("usage: alphaengine-web-bench seed DATA_DIR EVENTS | fanout SUBSCRIBERS EVENTS")
    }
} catch {
    die("\(error)")
}
