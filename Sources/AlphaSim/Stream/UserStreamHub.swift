import AlphaHTTP
import AlphaJSON
import Synchronization

/// The WebSocket sessions listening to user data, and which listenKey each follows. Sessions on
/// `/stream`-style URLs get each event wrapped as `{"stream":"<listenKey>","data":{…}}`, which
/// the new SDK dispatches on (reference §1, "User-data stream URL formats").
final class UserStreamHub: Sendable {
    struct Session: Sendable {
        let peer: WebSocketPeer
        var listenKeys: Set<String>
        let combined: Bool
    }

    private let sessions = Mutex<[ObjectIdentifier: Session]>([:])

    func open(_ peer: WebSocketPeer, listenKeys: Set<String>, combined: Bool) {
        sessions.withLock { $0[ObjectIdentifier(peer)] = Session(peer: peer, listenKeys: listenKeys, combined: combined) }
    }

    func subscribe(_ peer: WebSocketPeer, listenKey: String) {
        sessions.withLock { $0[ObjectIdentifier(peer)]?.listenKeys.insert(listenKey) }
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

    /// Sends `event` to every session following `listenKey`.
    func publish(_ event: [UInt8], listenKey: String) {
        let targets = sessions.withLock { $0.values.filter { $0.listenKeys.contains(listenKey) } }
        guard !targets.isEmpty else { return }
        let raw = String(decoding: event, as: UTF8.self)
        let wrapped = #"{"stream":"# + JSONValue.string(listenKey).serialized + #","data":"# + raw + "}"
        for session in targets { session.peer.send(text: session.combined ? wrapped : raw) }
    }
}
