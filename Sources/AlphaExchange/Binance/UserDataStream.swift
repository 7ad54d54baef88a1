import AlphaCore
import AlphaJSON
import AlphaSystem
import AlphaWebSocket
import Foundation
import Synchronization

/// The user-data stream, kept alive: listenKey created and kept alive well inside its 60
/// minutes, recreated on `listenKeyExpired` or -1125, the socket reconnected with jittered
/// backoff, pinged when silent, rotated before Binance's 24-hour cut. It runs on its own thread
/// and hands every event to `handler`; REST stays the truth, this is the fast hint (DESIGN §5).
public final class UserDataStream: Sendable {
    public struct Settings: Sendable {
        public var keepaliveMilliseconds = 30 * 60_000
        public var backoffBaseMilliseconds = 250
        public var backoffMaxMilliseconds = 10_000
        /// Silence after which a ping is sent, and after which (ping unanswered) the socket is replaced.
        public var silenceMilliseconds = 30_000
        public var rotationMilliseconds = 23 * 3_600_000
        public var connectTimeoutMilliseconds = 5_000
        public init() {}
    }

    public enum Event: Sendable {
        case connected(listenKey: String)
        case disconnected(reason: String)
        case listenKeyExpired
        /// A user-data event (`ORDER_TRADE_UPDATE`, `ACCOUNT_UPDATE`, …), unwrapped if it came wrapped.
        case message(JSONObject)
    }

    private let makeClient: @Sendable () -> BinanceRESTClient
    private let webSocketBase: String
    private let settings: Settings
    private let handler: @Sendable (Event) -> Void
    private let thread = BackgroundThread(name: "alphaengine-user-stream")

    /// `makeClient` builds the REST client this stream's thread uses (a client is single-threaded).
    public init(webSocketBase: String, settings: Settings = Settings(), makeClient: @escaping @Sendable () -> BinanceRESTClient,
                handler: @escaping @Sendable (Event) -> Void) {
        self.webSocketBase = webSocketBase.hasSuffix("/") ? String(webSocketBase.dropLast()) : webSocketBase
        self.settings = settings
        self.makeClient = makeClient
        self.handler = handler
    }

    public func start() {
        thread.start { [self] in run() }
    }

    /// Stops within about a second (the receive timeout) and returns when the thread has ended.
    public func stop() { thread.stop() }

    private var isRunning: Bool { thread.isRunning }

    private func run() {
        let rest = makeClient()
        var failures = 0
        while isRunning {
            do throws(SessionEnd) {
                try session(rest)
                failures = 0
            } catch {
                handler(.disconnected(reason: error.reason))
                if error.healthy { failures = 0 } else { failures += 1 }
                let reconnection = Reconnection(baseMilliseconds: settings.backoffBaseMilliseconds, maxMilliseconds: settings.backoffMaxMilliseconds)
                reconnection.sleep(milliseconds: reconnection.delay(afterFailures: failures)) { isRunning }
            }
        }
    }

    struct SessionEnd: Error {
        let reason: String
        /// Ended on purpose (rotation, expiry): reconnect at once, without backing off.
        var healthy = false
    }

    /// One listenKey and one socket, until something ends them.
    private func session(_ rest: BinanceRESTClient) throws(SessionEnd) {
        let key: String
        do {
            guard case .object(let object) = try rest.keyed("POST", "/fapi/v1/listenKey"), case .string(let value)? = object["listenKey"] else {
                throw SessionEnd(reason: "no listenKey in the answer")
            }
            key = value
        } catch let error as SessionEnd {
            throw error
        } catch {
            throw SessionEnd(reason: "listenKey: \(error)")
        }
        var options = WebSocketClient.Options()
        options.connectTimeoutMilliseconds = settings.connectTimeoutMilliseconds
        let socket: WebSocketClient
        do {
            // The routed private URL (reference §0 item 2); the simulator serves every layout.
            socket = try WebSocketClient(url: "\(webSocketBase)/private/ws?listenKey=\(key)", options: options)
        } catch {
            throw SessionEnd(reason: "connect: \(error)")
        }
        defer { socket.close(waitMilliseconds: 200) }
        handler(.connected(listenKey: key))
        let opened = MonotonicClock.milliseconds()
        var lastKeepalive = opened
        var lastTraffic = opened
        var pinged = false
        while isRunning {
            let event: WebSocketEvent?
            do {
                event = try socket.receive(timeoutMilliseconds: 1000)
            } catch {
                throw SessionEnd(reason: "\(error)")
            }
            let time = MonotonicClock.milliseconds()
            if let event {
                lastTraffic = time
                pinged = false
                switch event {
                case .text(let text):
                    guard let object = try? JSONParser.parseObject(text) else { continue }
                    let payload: JSONObject
                    if case .object(let inner)? = object["data"] { payload = inner } else { payload = object }
                    if payload["e"] == "listenKeyExpired" {
                        handler(.listenKeyExpired)
                        throw SessionEnd(reason: "listenKey expired", healthy: true)
                    }
                    handler(.message(payload))
                case .close(let code, let reason):
                    throw SessionEnd(reason: "closed by the server (\(code) \(reason))")
                default:
                    break
                }
            }
            if time - lastKeepalive >= Int64(settings.keepaliveMilliseconds) {
                do {
                    _ = try rest.keyed("PUT", "/fapi/v1/listenKey", [("listenKey", key)])
                    lastKeepalive = time
                } catch .rejected(_, -1125, _) {
                    throw SessionEnd(reason: "listenKey no longer exists (-1125)", healthy: true)
                } catch {
                    // Kept trying on the next turn: the key has most of its hour left.
                }
            }
            if time - opened >= Int64(settings.rotationMilliseconds) {
                throw SessionEnd(reason: "rotation before the 24-hour limit", healthy: true)
            }
            if time - lastTraffic >= Int64(settings.silenceMilliseconds) {
                if pinged { throw SessionEnd(reason: "silent for \(settings.silenceMilliseconds * 2) ms (ping unanswered)") }
                try? socket.ping()
                pinged = true
                lastTraffic = time
            }
        }
    }
}
