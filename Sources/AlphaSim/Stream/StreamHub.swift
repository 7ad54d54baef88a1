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
    }

    private let sessions = Mutex<[ObjectIdentifier: Session]>([:])

    func open(_ peer: WebSocketPeer, streams: Set<String>, combined: Bool) {
        sessions.withLock { $0[ObjectIdentifier(peer)] = Session(peer: peer, streams: streams, combined: combined) }
    }

    func subscribe(_ peer: WebSocketPeer, stream: String) {
        sessions.withLock { $0[ObjectIdentifier(peer)]?.streams.insert(stream) }
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

    /// Sends `event` to every session following `stream`.
    func publish(_ event: [UInt8], stream: String) {
        let targets = sessions.withLock { $0.values.filter { $0.streams.contains(stream) } }
        guard !targets.isEmpty else { return }
        let raw = String(decoding: event, as: UTF8.self)
        let wrapped = #"{"stream":"# + JSONValue.string(stream).serialized + #","data":"# + raw + "}"
        for session in targets { session.peer.send(text: session.combined ? wrapped : raw) }
    }
}
