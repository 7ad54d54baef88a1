import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaWebSocket
import Foundation
import Synchronization

/// Upbit's private WebSocket (`/websocket/v1/private`): the handshake carries the same bearer
/// JWT as a REST request without parameters; the client then sends its request, a JSON array
/// such as `[{"ticket":"…"},{"type":"myOrder","codes":["KRW-BTC"]},{"type":"myAsset"}]`, and
/// gets `myOrder` for every change of its orders (in those markets; all without `codes`) and
/// `myAsset` with the currencies a change moved. The DEFAULT format; figures are JSON numbers.
final class UpbitStreamHub: Sendable {
    struct Subscriber {
        let peer: WebSocketPeer
        var orderMarkets: Set<String>?  // nil: not subscribed; empty: every market
        var assets = false
    }
    private let subscribers = Mutex<[ObjectIdentifier: Subscriber]>([:])

    var count: Int { subscribers.withLock { $0.count } }
    /// Sessions whose request asked for `myOrder`.
    var orderSubscriberCount: Int { subscribers.withLock { $0.values.filter { $0.orderMarkets != nil }.count } }

    func open(_ peer: WebSocketPeer) { subscribers.withLock { $0[ObjectIdentifier(peer)] = Subscriber(peer: peer) } }
    func close(_ peer: WebSocketPeer) { _ = subscribers.withLock { $0.removeValue(forKey: ObjectIdentifier(peer)) } }

    /// Reads a request; answers Upbit's error message for one it cannot read.
    func request(_ text: String, from peer: WebSocketPeer) {
        guard case .array(let items)? = try? JSONParser.parse(text) else {
            peer.send(text: #"{"error":{"name":"INVALID_AUTH","message":"요청 형식이 올바르지 않습니다."}}"#)
            return
        }
        subscribers.withLock { all in
            guard var subscriber = all[ObjectIdentifier(peer)] else { return }
            for case .object(let item) in items {
                switch item["type"] {
                case .string("myOrder")?:
                    var markets = Set<String>()
                    if case .array(let codes)? = item["codes"] { for case .string(let code) in codes { markets.insert(code) } }
                    subscriber.orderMarkets = markets
                case .string("myAsset")?: subscriber.assets = true
                default: continue
                }
            }
            all[ObjectIdentifier(peer)] = subscriber
        }
    }

    /// Pushes the changes, each to the sessions that asked for it.
    func publish(_ updates: [UpbitOrderUpdate], holdings: [String: UpbitHolding], time: Int64) {
        guard !updates.isEmpty else { return }
        let listeners = subscribers.withLock { Array($0.values) }
        guard !listeners.isEmpty else { return }
        let orders = updates.map { (market: $0.order.market, text: Self.myOrder($0, time: time)) }
        var moved = Set<String>(["KRW"])
        for update in updates { moved.insert(UpbitSpotExchange.coin(of: update.order.market)) }
        let asset = Self.myAsset(moved.sorted().map { ($0, holdings[$0] ?? UpbitHolding()) }, time: time)
        for listener in listeners {
            if let markets = listener.orderMarkets {
                for order in orders where markets.isEmpty || markets.contains(order.market) { listener.peer.send(text: order.text) }
            }
            if listener.assets { listener.peer.send(text: asset) }
        }
    }

    static func number(_ amount: Amount) -> JSONValue { .number(amount.description) }

    static func myOrder(_ update: UpbitOrderUpdate, time: Int64) -> String {
        let order = update.order
        var object: JSONObject = [
            "type": "myOrder", "code": .string(order.market), "uuid": .string(order.uuid), "ask_bid": .string(order.side == .bid ? "BID" : "ASK"),
            "order_type": .string(order.kind.rawValue), "state": .string(update.state),
            "price": order.price.map(number) ?? .null, "volume": order.volume.map(number) ?? .null,
            "remaining_volume": order.remainingVolume.map(number) ?? .null, "executed_volume": number(order.executedVolume),
            "executed_funds": number(order.executedFunds), "trades_count": .int(Int64(order.trades.count)),
            "reserved_fee": number(order.reservedFee), "remaining_fee": number(order.remainingFee), "paid_fee": number(order.paidFee),
            "locked": number(order.locked), "avg_price": order.executedVolume.isZero ? .number("0") : number(order.executedFunds.divided(by: order.executedVolume, scale: 8)),
            "identifier": order.identifier.map { .string($0) } ?? .null, "order_timestamp": .int(order.createdAt), "timestamp": .int(time),
            "stream_type": "REALTIME",
        ]
        if let trade = update.trade {
            object["trade_uuid"] = .string(trade.uuid)
            object["trade_price"] = number(trade.price)
            object["trade_volume"] = number(trade.volume)
            object["trade_funds"] = number(trade.funds)
            object["trade_fee"] = number(trade.fee)
            object["trade_timestamp"] = .int(trade.time)
            object["is_maker"] = .bool(false)
        }
        return JSONValue.object(object).serialized
    }

    static func myAsset(_ holdings: [(String, UpbitHolding)], time: Int64) -> String {
        JSONValue.object([
            "type": "myAsset", "asset_uuid": .string(UUID().uuidString.lowercased()),
            "assets": .array(holdings.map { .object(["currency": .string($0.0), "balance": number($0.1.balance), "locked": number($0.1.locked)]) }),
            "asset_timestamp": .int(time), "timestamp": .int(time), "stream_type": "REALTIME",
        ]).serialized
    }
}

extension UpbitSimService {
    func addStreamRoutes(to router: inout Router) {
        router.get("/websocket/v1/private") { [self] request in
            do throws(UpbitAPIError) {
                let header = request.headers["authorization"]
                let none = try UpbitParameters(HTTPRequest(method: "GET", target: "/"))
                _ = try state.withLock { state throws(UpbitAPIError) in try state.authenticator.authenticate(authorization: header, parameters: none) }
            } catch {
                return Self.answer(error)
            }
            let hub = streams
            return WebSocketUpgrade.reply(
                to: request,
                onOpen: { peer in hub.open(peer) },
                onMessage: { peer, event in
                    guard case .text(let text) = event else { return }
                    hub.request(text, from: peer)
                },
                onClose: { peer, _ in hub.close(peer) })
        }
    }

    /// Takes the exchange's changes and pushes them: call after anything that may change orders.
    /// Under the state's lock, so two requests' changes go out in the order they happened.
    func publishChanges() {
        let time = now()
        state.withLock { state in
            let updates = state.exchange.takeUpdates().filter { _ in !state.faults.strikes("drop_events") }
            streams.publish(updates, holdings: state.exchange.holdings, time: time)
        }
    }
}
