import AlphaCore
import AlphaJSON
import AlphaSystem
import AlphaWebSocket
import Foundation
import Synchronization

/// Upbit's private WebSocket as an `ExchangeStream` (the fast hint; REST stays the truth): a
/// fresh bearer token on each connect, the request for `myOrder` (the markets given, or all) and
/// `myAsset`, each `myOrder` turned into events with the dedup keys their REST copies carry
/// (`UpbitEventTranslator`). It runs on its own thread, reconnects with jittered backoff, and
/// pings when the socket has been silent, replacing it when a ping goes unanswered.
public final class UpbitStream: ExchangeStream, @unchecked Sendable {
    public struct Settings: Sendable {
        public var backoffBaseMilliseconds = 250
        public var backoffMaxMilliseconds = 10_000
        public var silenceMilliseconds = 30_000
        public var connectTimeoutMilliseconds = 5_000
        public init() {}
    }

    private let url: String
    private let credentials: UpbitCredentials
    private let markets: [String]
    private let scope: Scope
    private let settings: Settings
    private let thread = BackgroundThread(name: "alphaengine-upbit-stream")

    /// `webSocketBase`: `wss://api.upbit.com` (or the simulator's `ws://…`); the path is Upbit's.
    public init(webSocketBase: String, credentials: UpbitCredentials, markets: [String], scope: Scope, settings: Settings = Settings()) {
        url = (webSocketBase.hasSuffix("/") ? String(webSocketBase.dropLast()) : webSocketBase) + "/websocket/v1/private"
        self.credentials = credentials
        self.markets = markets
        self.scope = scope
        self.settings = settings
    }

    public func start(_ handler: @escaping @Sendable (StreamSignal) -> Void) {
        thread.start { [self] in run(handler) }
    }

    /// Stops within about a second (the receive timeout) and returns when the thread has ended.
    public func stop() { thread.stop() }

    private var isRunning: Bool { thread.isRunning }

    private func run(_ handler: @Sendable (StreamSignal) -> Void) {
        var failures = 0
        let reconnection = Reconnection(baseMilliseconds: settings.backoffBaseMilliseconds, maxMilliseconds: settings.backoffMaxMilliseconds)
        while isRunning {
            let reason = session(handler)
            guard isRunning else { break }
            handler(.disconnected(reason: reason))
            failures += 1
            reconnection.sleep(milliseconds: reconnection.delay(afterFailures: failures)) { isRunning }
        }
    }

    /// One socket, until something ends it; returns why.
    private func session(_ handler: @Sendable (StreamSignal) -> Void) -> String {
        var options = WebSocketClient.Options()
        options.connectTimeoutMilliseconds = settings.connectTimeoutMilliseconds
        options.headers = [("Authorization", credentials.authorization(query: ""))]
        let socket: WebSocketClient
        do {
            socket = try WebSocketClient(url: url, options: options)
            let orders: JSONValue = markets.isEmpty ? .object(["type": "myOrder"]) : .object(["type": "myOrder", "codes": .array(markets.map { .string($0) })])
            let request: JSONValue = .array([.object(["ticket": .string(UUID().uuidString.lowercased())]), orders, .object(["type": "myAsset"]),
                                             .object(["format": "DEFAULT"])])
            try socket.send(text: request.serialized)
        } catch {
            return "connect: \(error)"
        }
        defer { socket.close(waitMilliseconds: 200) }
        handler(.connected(label: "Upbit private stream"))
        var lastTraffic = MonotonicClock.milliseconds()
        var pinged = false
        while isRunning {
            let event: WebSocketEvent?
            do {
                event = try socket.receive(timeoutMilliseconds: 1000)
            } catch {
                return "\(error)"
            }
            let time = MonotonicClock.milliseconds()
            if let event {
                lastTraffic = time
                pinged = false
                switch event {
                case .text(let text): if let signal = Self.signal(text, scope: scope) { handler(signal) }
                case .binary(let bytes): if let signal = Self.signal(String(decoding: bytes, as: UTF8.self), scope: scope) { handler(signal) }
                case .close(let code, let reason): return "closed by the server (\(code) \(reason))"
                default: break
                }
            }
            if time - lastTraffic >= Int64(settings.silenceMilliseconds) {
                if pinged { return "silent for \(settings.silenceMilliseconds * 2) ms (ping unanswered)" }
                try? socket.ping()
                pinged = true
                lastTraffic = time
            }
        }
        return "stopped"
    }

    /// A message as a signal: `myOrder` becomes facts; `myAsset` says the holdings changed (it has
    /// no average buy price, so they are read over REST); anything unreadable is said so, for the
    /// reconciler to fetch.
    static func signal(_ text: String, scope: Scope) -> StreamSignal? {
        guard let message = try? JSONParser.parseObject(text) else { return .unreadable(reason: "a message that is not a JSON object") }
        switch message["type"] {
        case .string("myOrder")?:
            do {
                return .facts(try UpbitEventTranslator.events(fromMyOrder: message, scope: scope))
            } catch {
                return .unreadable(reason: "myOrder: \(error)")
            }
        case .string("myAsset")?: return .holdingsChanged
        default:
            if case .object(let error)? = message["error"] { return .unreadable(reason: "error: \(JSONValue.object(error).serialized)") }
            return nil
        }
    }
}
