import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaWebSocket
import Foundation

/// WebSocket endpoints for user data and market streams, in every URL layout clients use
/// (reference §1): `/ws/<listenKey or stream>`, `/ws` + SUBSCRIBE, `/stream?streams=a/b`,
/// `/private/ws?listenKey=…`, `/market/ws/<stream>`, `/public/…`. Unknown path suffixes are
/// tolerated (ccxt opens `/ws/0`).
extension SimService {
    func addStreamRoutes(to router: inout Router) {
        for prefix in ["/ws", "/stream", "/private/ws", "/private/stream", "/public/ws", "/public/stream", "/market/ws", "/market/stream"] {
            router.get(prefix + "/*") { [self] request in upgrade(request) }
        }
    }

    private func upgrade(_ request: HTTPRequest) -> HTTPReply {
        let path = String(request.path)
        let combined = path.contains("/stream")
        var keys = Set(request.query.values("listenKey"))
        for streams in request.query.values("streams") { keys.formUnion(streams.split(separator: "/").map(String.init)) }
        // The last path segment names a stream or listenKey: /ws/<name>, /market/ws/<name>.
        if let last = path.split(separator: "/").last, !["ws", "stream"].contains(last) {
            keys.formUnion(last.split(separator: "/").map(String.init))
        }
        let hub = streams
        let listenKeys = keys
        let openedAt = now()
        return WebSocketUpgrade.reply(
            to: request,
            onOpen: { peer in hub.open(peer, streams: listenKeys, combined: combined, now: openedAt) },
            onMessage: { peer, event in
                guard case .text(let text) = event else { return }
                Self.handleControlMessage(text, peer: peer, hub: hub)
            },
            onClose: { peer, _ in hub.close(peer) })
    }

    /// `{"method":"SUBSCRIBE","params":[…],"id":…}`: names that are not market streams are taken
    /// as listenKeys. The reply echoes the id whatever its JSON type.
    private static func handleControlMessage(_ text: String, peer: WebSocketPeer, hub: StreamHub) {
        guard let message = try? JSONParser.parseObject(text), case .string(let method)? = message["method"] else {
            peer.send(text: #"{"error":{"code":2,"msg":"Invalid request"},"id":null}"#)
            return
        }
        let id = message["id"] ?? .null
        switch method {
        case "SUBSCRIBE", "UNSUBSCRIBE":
            if method == "SUBSCRIBE", case .array(let params)? = message["params"] {
                for case .string(let name) in params { hub.subscribe(peer, stream: name) }
            }
            peer.send(text: JSONValue.object(["result": .null, "id": id]).serialized)
        case "LIST_SUBSCRIPTIONS":
            peer.send(text: JSONValue.object(["result": .array([]), "id": id]).serialized)
        default:
            peer.send(text: JSONValue.object(["error": .object(["code": 2, "msg": .string("Invalid request")]), "id": id]).serialized)
        }
    }

    /// The stream events for these order changes, built while the state is locked: an
    /// ACCOUNT_UPDATE before each fill's ORDER_TRADE_UPDATE, as Binance sends them.
    static func events(for updates: [SimOrderUpdate], in exchange: SimExchange, time: Int64) -> [[UInt8]] {
        var events: [[UInt8]] = []
        for update in updates {
            guard let spec = exchange.symbols[update.order.symbol] else { continue }
            if update.trade != nil {
                let position = exchange.ledger.position(spec.name)
                events.append(UserDataEvents.accountUpdate(reason: "ORDER", wallet: exchange.ledger.walletBalance, balanceChange: .zero,
                                                           positions: [(spec, position, exchange.prices[spec.name] ?? .zero)], time: time))
            }
            if update.order.isAlgo { events.append(UserDataEvents.algoUpdate(update.order, spec: spec, time: time)) }
            // An algo order produces an ORDER_TRADE_UPDATE only once it executes.
            if !update.order.isAlgo || update.trade != nil {
                events.append(UserDataEvents.orderTradeUpdate(update, spec: spec, time: time))
            }
        }
        return events
    }

    /// Sends events to the sessions following the live listenKey (none when there is none).
    /// Armed faults apply here: dropped events never arrive, delayed ones arrive late, and
    /// reordered changes arrive last-first.
    func publish(_ events: [[UInt8]], listenKey: String?) {
        guard let listenKey, !events.isEmpty else { return }
        let (kept, delay) = state.withLock { state -> ([[UInt8]], Int) in
            var kept = state.faults.reorderEvents || state.faults.scheduled("reorder_events") ? Array(events.reversed()) : events
            while state.faults.droppedEvents > 0, !kept.isEmpty {
                kept.removeFirst()
                state.faults.droppedEvents -= 1
            }
            kept = kept.filter { _ in !state.faults.scheduled("drop_events") }
            let delay = state.faults.scheduled("delay_events") ? max(state.faults.eventDelayMilliseconds, 400) : state.faults.eventDelayMilliseconds
            return (kept, delay)
        }
        let hub = streams
        guard delay > 0 else {
            for event in kept { hub.publish(event, stream: listenKey) }
            return
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delay)) {
            for event in kept { hub.publish(event, stream: listenKey) }
        }
    }
}
