import AlphaHTTP
import AlphaJSON
import Synchronization

/// The WebSocket sessions and the streams each follows: streams (user data) and market
/// stream names such as `btcusdt@markPrice`. Sessions on `/stream`-style URLs get each event
/// wrapped as `{"stream":"<name>","data":{…}}`, which the new SDK dispatches on (reference §1).
final class StreamHub: Sendable {
    struct Session: Sendable {
        let peer: WebSocketPeer
        var streams: Set<String>
        let combined: Bool
        var openedAt: Int64 = 0
        var lastPing: Int64 = 0
    }

    /// Binance pings every 3 minutes and ends a connection after 24 hours (reference §5).
    static let pingInterval: Int64 = 180_000
    static let lifetime: Int64 = 24 * 3_600_000

    private let sessions = Mutex<[ObjectIdentifier: Session]>([:])

    func open(_ peer: WebSocketPeer, streams: Set<String>, combined: Bool, now: Int64 = 0) {
        sessions.withLock { $0[ObjectIdentifier(peer)] = Session(peer: peer, streams: streams, combined: combined, openedAt: now, lastPing: now) }
    }

    /// Pings sessions that are due and closes those past their lifetime (close 1000, as a
    /// server ending a connection normally). Returns how many were pinged and closed.
    @discardableResult
    func maintain(now: Int64, pingInterval: Int64 = StreamHub.pingInterval, lifetime: Int64 = StreamHub.lifetime) -> (pinged: Int, closed: Int) {
        let (toPing, toClose) = sessions.withLock { sessions -> ([WebSocketPeer], [WebSocketPeer]) in
            var ping: [WebSocketPeer] = []
            var close: [WebSocketPeer] = []
            for (id, session) in sessions {
                if now - session.openedAt >= lifetime {
                    close.append(session.peer)
                    sessions.removeValue(forKey: id)
                } else if now - session.lastPing >= pingInterval {
                    ping.append(session.peer)
                    sessions[id]?.lastPing = now
                }
            }
            return (ping, close)
        }
        for peer in toPing { peer.ping() }
        for peer in toClose { peer.close(code: 1000, reason: "connection lifetime reached") }
        return (toPing.count, toClose.count)
    }

    func subscribe(_ peer: WebSocketPeer, stream: String) {
        _ = sessions.withLock { $0[ObjectIdentifier(peer)]?.streams.insert(stream) }
    }

    func close(_ peer: WebSocketPeer) {
        _ = sessions.withLock { $0.removeValue(forKey: ObjectIdentifier(peer)) }
    }

    /// Cuts every session without a close frame, as a dropped network connection would.
    func dropAll() -> Int {
        let all = sessions.withLock { sessions in
            defer { sessions.removeAll() }
            return Array(sessions.values)
        }
        for session in all { session.peer.abort() }
        return all.count
    }

    var sessionCount: Int { sessions.withLock { $0.count } }

    /// Whether any session follows `stream` (so nothing is built for streams nobody reads).
    func isFollowed(_ stream: String) -> Bool { followers(of: stream) > 0 }

    /// How many sessions follow `stream`.
    func followers(of stream: String) -> Int { sessions.withLock { $0.values.filter { $0.streams.contains(stream) }.count } }

    /// Sends `event` to every session following `stream`.
    func publish(_ event: [UInt8], stream: String) {
        let targets = sessions.withLock { $0.values.filter { $0.streams.contains(stream) } }
        guard !targets.isEmpty else { return }
        let raw = String(decoding: event, as: UTF8.self)
        let wrapped = #"{"stream":"# + JSONValue.string(stream).serialized + #","data":"# + raw + "}"
        for session in targets { session.peer.send(text: session.combined ? wrapped : raw) }
    }
}
