import AlphaCore
import AlphaTestSupport
import Foundation
import Glibc
import Testing

/// What `deploy/` ships (issue 17), checked by the tools that will run it: the nginx site with
/// Debian's nginx (a scratch server on free ports with a self-signed certificate, in front of a
/// real web process), the systemd units with `systemd-analyze verify`, the example runtime
/// configuration by the web that must accept it. Debian's nginx, curl, openssl and systemd come
/// from scripts/setup-deploy-tools.
@Suite("Deploy files: the nginx site, the systemd units, the example configuration", .serialized)
struct DeployTests {
    static let deploy = PythonPeer.repositoryRoot.appendingPathComponent("deploy")

    struct SetupFailure: Error { let message: String }

    static func freePort() throws -> UInt16 { try freeLoopbackPort() }

    /// A scratch nginx: the shipped site with only what must differ on this machine changed —
    /// loopback and free ports instead of 80/443, the test's certificate, the web's port, this
    /// checkout's Public/ — inside a main configuration that keeps every file in `directory`.
    struct ScratchNginx {
        let directory: String
        let httpsPort: UInt16
        let configuration: String
        private(set) var process: Process?

        init(webPort: UInt16) throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("alphaengine-nginx-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory + "/temp", withIntermediateDirectories: true)
            httpsPort = try DeployTests.freePort()
            let httpPort = try DeployTests.freePort()
            let (status, output) = try ThirdPartyClientTests.run("/usr/bin/openssl", [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-keyout", directory + "/key.pem", "-out", directory + "/cert.pem"])
            guard status == 0 else { throw SetupFailure(message: "openssl: \(output)") }
            var site = try String(contentsOf: DeployTests.deploy.appendingPathComponent("nginx/alphaengine.conf"), encoding: .utf8)
            let changes = [
                ("listen 80;", "listen 127.0.0.1:\(httpPort);"), ("listen [::]:80;", ""),
                ("listen 443 ssl http2;", "listen 127.0.0.1:\(httpsPort) ssl http2;"), ("listen [::]:443 ssl http2;", ""),
                ("/etc/letsencrypt/live/alphaengine.example.com/fullchain.pem", directory + "/cert.pem"),
                ("/etc/letsencrypt/live/alphaengine.example.com/privkey.pem", directory + "/key.pem"),
                ("server 127.0.0.1:8080;", "server 127.0.0.1:\(webPort);"),
                ("root /opt/alphaengine/share/Public;", "root \(PythonPeer.repositoryRoot.appendingPathComponent("Public").path);"),
            ]
            for (shipped, here) in changes {
                guard site.contains(shipped) else { throw SetupFailure(message: "the site no longer has '\(shipped)'") }
                site = site.replacingOccurrences(of: shipped, with: here)
            }
            try site.write(toFile: directory + "/site.conf", atomically: true, encoding: .utf8)
            let temp = directory + "/temp"
            configuration = directory + "/nginx.conf"
            try """
                pid \(directory)/nginx.pid;
                error_log \(directory)/error.log warn;
                worker_processes 1;
                \(getuid() == 0 ? "user root;" : "")
                events { worker_connections 64; }
                http {
                    include /etc/nginx/mime.types;
                    default_type application/octet-stream;
                    access_log off;
                    client_body_temp_path \(temp)/body;
                    proxy_temp_path \(temp)/proxy;
                    fastcgi_temp_path \(temp)/fastcgi;
                    uwsgi_temp_path \(temp)/uwsgi;
                    scgi_temp_path \(temp)/scgi;
                    include \(directory)/site.conf;
                }
                """.write(toFile: configuration, atomically: true, encoding: .utf8)
        }

        func check() throws -> (Int32, String) { try ThirdPartyClientTests.run("/usr/sbin/nginx", ["-t", "-c", configuration]) }

        mutating func start() throws {
            let nginx = Process()
            nginx.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
            nginx.arguments = ["-c", configuration, "-g", "daemon off;"]
            nginx.standardOutput = FileHandle.nullDevice
            nginx.standardError = FileHandle.nullDevice
            try nginx.run()
            process = nginx
            let port = httpsPort
            _ = eventually(within: 10) { (try? RawClient(port: port, timeoutSeconds: 1)) != nil }
        }

        func stop() {
            guard let process, process.isRunning else { return }
            process.terminate()
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: directory)
        }

        /// curl through nginx over HTTPS (the certificate is the test's own: -k): status, headers and body.
        func curl(_ path: String, method: String = "GET", token: String? = nil, body: String? = nil) throws -> (status: Int, head: String, body: String) {
            var arguments = ["-sk", "-D", "-", "-X", method, "https://127.0.0.1:\(httpsPort)\(path)"]
            if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
            if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
            let (_, output) = try ThirdPartyClientTests.run("/usr/bin/curl", arguments)
            let parts = output.components(separatedBy: "\r\n\r\n")
            let head = parts.first ?? ""
            let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
            return (status, head, parts.dropFirst().joined(separator: "\r\n\r\n"))
        }
    }

    @Test("nginx -t accepts the shipped site; through it over HTTPS: a login, an API call, the dashboard with its caching and security headers, and each live event within 100 ms of its commit")
    func httpsThroughNginx() throws {
        let world = try WebWorld { $0.trustForwardedFor = true }
        var nginx = try ScratchNginx(webPort: world.port)
        let (status, output) = try nginx.check()
        #expect(status == 0 && output.contains("test is successful"), "\(output)")
        try nginx.start()
        defer { nginx.stop() }

        let login = try nginx.curl("/api/auth/login", method: "POST", body: #"{"username":"ana","password":"\#(WebWorld.adminPassword)"}"#)
        #expect(login.status == 200 && login.head.lowercased().contains("strict-transport-security"), "\(login.head)")
        let token = try #require((try? JSONParser.parseObject(login.body))?["token"].flatMap { if case .string(let text) = $0 { text } else { nil } })
        let me = try nginx.curl("/api/auth/me", token: token)
        #expect(me.status == 200 && me.body.contains(#""name":"ana""#) && me.head.lowercased().contains("cache-control: no-store"), "\(me.head)\n\(me.body)")
        let page = try nginx.curl("/")
        let head = page.head.lowercased()
        #expect(page.status == 200 && page.body.lowercased().contains("<!doctype html"), "\(page.head)")
        #expect(head.contains("cache-control: no-cache") && head.contains("etag:") && head.contains("content-security-policy: default-src 'self'")
                && head.contains("x-frame-options: deny"), "\(page.head)")
        let script = try nginx.curl("/app.js")
        #expect(script.status == 200 && script.head.lowercased().contains("content-type: application/javascript"), "\(script.head)")

        // The live feed through the proxy: curl reads it as a browser would, unbuffered.
        let feed = Process()
        feed.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        feed.arguments = ["-skN", "-H", "Authorization: Bearer \(token)", "https://127.0.0.1:\(nginx.httpsPort)/api/stream"]
        let pipe = Pipe()
        feed.standardOutput = pipe
        try feed.run()
        // SIGKILL: a child of this process starts with SIGTERM blocked (the servers under test take
        // their signals through signalfd), and curl would sit out a SIGTERM.
        defer { kill(feed.processIdentifier, SIGKILL); feed.waitUntilExit() }
        let arrivals = Arrivals()
        let reader = Thread {
            var pending = Data()
            while true {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { return }
                let now = ContinuousClock.now
                pending += chunk
                while let newline = pending.firstIndex(of: 10) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending = Data(pending[(newline + 1)...])
                    if line.hasPrefix("id: "), let seq = Int64(line.dropFirst(4)) { arrivals.record(seq, at: now) }
                }
            }
        }
        reader.start()
        #expect(eventually(within: 10) { world.app.subscriberCount == 1 }, "the feed is open through nginx")
        var latencies: [Duration] = []
        for index in 0..<7 {
            let seq = try world.appendEngineEvent("through nginx \(index)")
            let committed = ContinuousClock.now
            #expect(eventually(within: 5) { arrivals.time(of: seq) != nil }, "event \(seq) through the proxy")
            if let arrived = arrivals.time(of: seq) { latencies.append(arrived - committed) }
            usleep(20_000)
        }
        let milliseconds = latencies.map { Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1000 }.sorted()
        print("commit → SSE frame through nginx (ms): \(milliseconds.map { String(format: "%.2f", $0) }.joined(separator: ", "))")
        #expect(milliseconds.count == 7 && milliseconds[3] <= 100, "the median within 100 ms: \(milliseconds)")
    }

    final class Arrivals: @unchecked Sendable {  // the lock guards `times`
        private let lock = NSLock()
        private var times: [Int64: ContinuousClock.Instant] = [:]
        func record(_ seq: Int64, at time: ContinuousClock.Instant) { lock.withLock { times[seq] = time } }
        func time(of seq: Int64) -> ContinuousClock.Instant? { lock.withLock { times[seq] } }
    }

    @Test("systemd-analyze verify finds nothing to say about the units, the fleet's bot@ template as an instance too (their binary path pointed at this build)")
    func systemdUnits() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alphaengine-units-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for unit in ["alphaengine-bot.service", "alphaengine-web.service"] {
            let shipped = try String(contentsOf: Self.deploy.appendingPathComponent("systemd/\(unit)"), encoding: .utf8)
            #expect(shipped.contains("ExecStart=/opt/alphaengine/bin/alphaengine ") && shipped.contains("User=alphaengine")
                    && shipped.contains("KillSignal=SIGTERM") && shipped.contains("Restart=on-failure") && shipped.contains("NoNewPrivileges=yes"))
            let here = shipped.replacingOccurrences(of: "/opt/alphaengine/bin/alphaengine", with: BuiltExecutable.url("alphaengine").path)
            try here.write(toFile: directory + "/" + unit, atomically: true, encoding: .utf8)
            let (status, output) = try ThirdPartyClientTests.run("/usr/bin/systemd-analyze", ["verify", directory + "/" + unit])
            #expect(status == 0 && output.isEmpty, "\(unit): \(output)")
        }
        #expect(try String(contentsOf: Self.deploy.appendingPathComponent("systemd/alphaengine-web.service"), encoding: .utf8).contains("/api/ready"))

        // The fleet's template (issue 19), checked as the instance an operator enables.
        let template = try String(contentsOf: Self.deploy.appendingPathComponent("systemd/alphaengine-bot@.service"), encoding: .utf8)
        #expect(template.contains("Environment=ALPHAENGINE_ACCOUNT=%i") && template.contains("--config /etc/alphaengine/accounts/%i.yaml")
                && template.contains("KillSignal=SIGTERM") && template.contains("Restart=on-failure") && template.contains("User=alphaengine"))
        try template.replacingOccurrences(of: "/opt/alphaengine/bin/alphaengine", with: BuiltExecutable.url("alphaengine").path)
            .write(toFile: directory + "/alphaengine-bot@.service", atomically: true, encoding: .utf8)
        let (status, output) = try ThirdPartyClientTests.run("/usr/bin/systemd-analyze", ["verify", directory + "/alphaengine-bot@main.service"])
        #expect(status == 0 && output.isEmpty, "alphaengine-bot@main.service: \(output)")
    }

    @Test("the example runtime configuration is one the web accepts as it stands")
    func exampleRuntimeConfiguration() throws {
        let world = try WebWorld()
        let example = try String(contentsOf: Self.deploy.appendingPathComponent("runtime-config.example.json"), encoding: .utf8)
        let current = try world.call("GET", "/api/config", token: world.adminToken)
        let version = current.json["version"].flatMap { if case .number(let text) = $0 { text } else { nil } } ?? "0"
        let saved = try world.call("PUT", "/api/config", token: world.adminToken, body: #"{"expectedVersion":\#(version),"config":\#(example)}"#)
        #expect((200...202).contains(saved.status), "\(saved.status) \(String(decoding: saved.body, as: UTF8.self))")
    }
}
