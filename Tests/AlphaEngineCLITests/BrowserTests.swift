import AlphaTestSupport
import Foundation
import Testing

/// The dashboard SPA in headless Chromium (Debian's chromium and chromium-driver, driven by
/// Selenium from `.venv-browser`, both installed by scripts/setup-browser) against the real demo:
/// simulator, bot and web processes. Screenshots land in `.build/browser-screenshots/`.
@Suite("Dashboard in a real browser", .serialized)
struct BrowserTests {
    static let screenshots = PythonPeer.repositoryRoot.appendingPathComponent(".build/browser-screenshots").path

    /// Runs a Selenium script of Peers/ with the browser venv's Python, echoing its steps; it must end with "ok".
    static func runScript(_ name: String, _ arguments: [String]) throws {
        let python = PythonPeer.repositoryRoot.appendingPathComponent(".venv-browser/bin/python").path
        let peer = try PythonPeer(suite: "AlphaEngineCLITests", name, arguments: arguments, python: python)
        var lines: [String] = []
        while let line = peer.readLine() {
            print("browser: \(line)")
            lines.append(line)
        }
        #expect(peer.wait() == 0 && lines.last == "ok", "\(lines.joined(separator: "\n"))")
    }

    static func field(after marker: String, in text: String, until end: Character = " ") -> String? {
        guard let range = text.range(of: marker) else { return nil }
        return String(text[range.upperBound...].prefix { $0 != end && !$0.isWhitespace })
    }

    @Test("log in, the simulator's balance and a fill on screen within a second, pause and resume from the UI; the history pages, a live fill on the events page; a settings save and a stale one's conflict; a web restart under the open dashboard with no event missing; desktop and phone; a viewer cannot act; no console errors or CSP violations")
    func dashboard() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alphaengine-browser-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: Self.screenshots, withIntermediateDirectories: true)
        let demo = try DemoTests.Demo(dataDirectory: directory, extra: ["--strategy", "none"])
        let port = try #require(demo.port, "\(demo.banner)")
        let password = try #require(demo.password, "\(demo.banner)")
        let sim = try #require(Self.field(after: "simulator:  ", in: demo.banner), "\(demo.banner)")
        let control = try #require(Self.field(after: "control token ", in: demo.banner, until: ")"), "\(demo.banner)")
        #expect(eventually(within: 30) { (try? DemoTests.call(port, "GET", "/api/ready").status) == 200 }, "the bot is up")
        // A viewer, added as an operator would: `alphaengine user add`, the password on stdin.
        let add = Process()
        add.executableURL = BuiltExecutable.url("alphaengine")
        add.arguments = ["user", "add", "watcher", "--role", "viewer", "--data-dir", directory]
        let stdin = Pipe()
        add.standardInput = stdin
        add.standardOutput = FileHandle.nullDevice
        try add.run()
        stdin.fileHandleForWriting.write(Data("a viewer's long password\n".utf8))
        try stdin.fileHandleForWriting.close()
        add.waitUntilExit()
        #expect(add.terminationStatus == 0)
        try Self.runScript("browser_dashboard.py", ["http://127.0.0.1:\(port)", "demo", password, sim, control, Self.screenshots,
                                                    "watcher", "a viewer's long password", BuiltExecutable.url("alphaengine").path, directory])
        #expect(demo.stop().status == 0)
    }

    @Test("an Upbit account (demo --venue upbit): the venue named, holdings not a position, KRW, KST by default, no leverage; a market buy from the order form held on screen; no console errors")
    func upbitDashboard() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alphaengine-browser-upbit-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: Self.screenshots, withIntermediateDirectories: true)
        // No strategy: the KRW balance stays as the simulator started it until the form's order.
        let demo = try DemoTests.Demo(dataDirectory: directory, extra: ["--venue", "upbit", "--strategy", "none"])
        let port = try #require(demo.port, "\(demo.banner)")
        let password = try #require(demo.password, "\(demo.banner)")
        #expect(eventually(within: 30) { (try? DemoTests.call(port, "GET", "/api/ready").status) == 200 }, "the bot is up")
        try Self.runScript("browser_upbit.py", ["http://127.0.0.1:\(port)", "demo", password, Self.screenshots])
        #expect(demo.stop().status == 0)
    }
}
