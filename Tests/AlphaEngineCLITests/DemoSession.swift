import AlphaTestSupport
import Foundation
import Testing

/// The demo (simulator, bot and web) started in a data directory of its own, signed in as its
/// admin, with the bot up: where the tests that drive the whole system begin. Released, it stops
/// the demo and removes the directory.
final class DemoSession {
    struct Failure: Error, CustomStringConvertible { let description: String }

    let directory: String
    let demo: DemoTests.Demo
    let port: UInt16
    let password: String
    let token: String
    private var stopped = false

    init(_ name: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("alphaengine-\(name)-\(UUID().uuidString)").path
        demo = try DemoTests.Demo(dataDirectory: directory, extra: ["--strategy", "none"])
        guard let port = demo.port, let password = demo.password else { throw Failure(description: "no URL or login printed: \(demo.banner)") }
        self.port = port
        self.password = password
        let login = try DemoTests.call(port, "POST", "/api/auth/login", body: #"{"username":"demo","password":"\#(password)"}"#)
        guard let token = DemoTests.field("token", in: login.text) else { throw Failure(description: "no token: \(login.text)") }
        self.token = token
        guard eventually(within: 30, { (try? DemoTests.call(port, "GET", "/api/ready").status) == 200 }) else {
            throw Failure(description: "the bot did not become ready within 30 s")
        }
    }

    /// A request to the demo's web as its admin.
    func call(_ method: String, _ target: String, body: String? = nil) throws -> RawClient.Response {
        try DemoTests.call(port, method, target, token: token, body: body)
    }

    /// Stops the demo (SIGTERM, as Ctrl-C): its exit status and what it printed last.
    @discardableResult
    func stop() -> (status: Int32, rest: String) {
        guard !stopped else { return (0, "") }
        stopped = true
        return demo.stop()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
