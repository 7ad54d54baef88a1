import AlphaHTTP
import AlphaJSON
import Foundation
import Synchronization

/// A local stand-in for Slack's incoming webhooks (`POST /slack`) and Telegram's Bot API
/// (`/bot<token>/getUpdates`, `/bot<token>/sendMessage`) on a free port of 127.0.0.1. It can
/// accept, answer with an error, hang, or be shut down and started again on the same port.
final class FakeMessenger: @unchecked Sendable {
    enum Behaviour: Equatable, Sendable {
        case accept
        case fail(Int)
        /// Holds every request open until the behaviour changes (or 60 s pass).
        case hang
    }

    /// A request it took (answered 200).
    struct Received: Sendable {
        let path: String
        let body: JSONObject
        let idempotencyKey: String?
    }

    private struct State {
        var behaviour = Behaviour.accept
        var received: [Received] = []
        var updates: [JSONObject] = []
        var nextUpdateID: Int64 = 100
        var hanging = 0
        var getUpdatesCalls = 0
    }

    private let state = Mutex(State())
    private var server: HTTPServer
    private(set) var port: UInt16 = 0

    init() throws {
        server = HTTPServer(handler: { _ in .response(HTTPResponse(status: HTTPStatus(500, "x"))) })
        try start(port: 0)
    }

    deinit { server.shutdown() }

    private func start(port: UInt16) throws {
        var configuration = HTTPServerConfiguration()
        configuration.port = port
        configuration.eventLoops = 1
        server = HTTPServer(configuration: configuration, handler: { [unowned self] request in handle(request) })
        try server.start()
        self.port = server.port
    }

    var slackURL: String { "http://127.0.0.1:\(port)/slack" }
    var apiURL: String { "http://127.0.0.1:\(port)" }

    /// Nothing listens until `up()`: connections are refused, as from a receiver that is down.
    func down() { server.shutdown() }

    func up() throws { try start(port: port) }

    func set(_ behaviour: Behaviour) { state.withLock { $0.behaviour = behaviour } }

    var received: [Received] { state.withLock { $0.received } }
    var slack: [Received] { received.filter { $0.path == "/slack" } }
    var telegram: [Received] { received.filter { $0.path.hasSuffix("/sendMessage") } }
    /// Requests held open right now.
    var hanging: Int { state.withLock { $0.hanging } }
    var getUpdatesCalls: Int { state.withLock { $0.getUpdatesCalls } }

    /// A message from `chat`, handed out by the next getUpdates.
    func userSends(_ text: String, chat: Int64) {
        state.withLock { state in
            state.updates.append(["update_id": .int(state.nextUpdateID),
                                  "message": .object(["message_id": .int(state.nextUpdateID), "date": .int(1_780_000_000),
                                                      "chat": .object(["id": .int(chat), "type": "private"]),
                                                      "from": .object(["id": .int(chat), "is_bot": false, "first_name": "Test"]),
                                                      "text": .string(text)])])
            state.nextUpdateID += 1
        }
    }

    private func handle(_ request: HTTPRequest) -> HTTPReply {
        let body = (try? JSONParser.parseObject(String(decoding: request.body, as: UTF8.self))) ?? [:]
        if request.target.hasSuffix("/getUpdates") {
            return .offload { [self] in getUpdates(body) }
        }
        let behaviour = state.withLock { $0.behaviour }
        switch behaviour {
        case .fail(let status):
            return .response(.text("failing on purpose", status: HTTPStatus(status, "Failing")))
        case .hang:
            return .offload { [self] in
                state.withLock { $0.hanging += 1 }
                defer { state.withLock { $0.hanging -= 1 } }
                let deadline = Date().addingTimeInterval(60)
                while state.withLock({ $0.behaviour }) == .hang, Date() < deadline { usleep(20_000) }
                return .text("late", status: HTTPStatus(504, "Gave up"))
            }
        case .accept:
            let received = Received(path: request.target, body: body, idempotencyKey: request.headers["idempotency-key"])
            state.withLock { $0.received.append(received) }
            return .response(request.target == "/slack" ? .text("ok") : .json(.object(["ok": true, "result": .object([:])])))
        }
    }

    /// Telegram's long poll, shortened: waits up to a second for an update at or after `offset`.
    private func getUpdates(_ body: JSONObject) -> HTTPResponse {
        let offset = (try? body.int64("offset")) ?? 0
        state.withLock { $0.getUpdatesCalls += 1 }
        let deadline = Date().addingTimeInterval(min(1, Double((try? body.int64("timeout")) ?? 0)))
        var pending: [JSONObject] = []
        repeat {
            pending = state.withLock { state in
                state.updates.removeAll { (try? $0.int64("update_id")) ?? 0 < offset }
                return state.updates
            }
            if !pending.isEmpty { break }
            usleep(20_000)
        } while Date() < deadline
        return .json(.object(["ok": true, "result": .array(pending.map { .object($0) })]))
    }
}
