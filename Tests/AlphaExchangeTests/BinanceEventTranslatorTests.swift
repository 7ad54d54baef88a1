import AlphaCore
import AlphaExchange
import AlphaJSON
import AlphaSim
import AlphaTestSupport
import Foundation
import Synchronization
import Testing

@Suite("Binance → AlphaEngine events: one fact, one dedup key, whichever way it came")
struct BinanceEventTranslatorTests {
    @Test("a fill seen on the stream and over REST gives identical trade and fee events; order snapshots agree too")
    func streamAndRESTAgree() throws {
        let exchange = try BinanceRESTClientTests.Exchange()
        let messages = Mutex<[JSONObject]>([])
        let base = exchange.client.baseURL
        let configuration = exchange.service.configuration
        let stream = UserDataStream(webSocketBase: base.replacingOccurrences(of: "http://", with: "ws://"),
                                    makeClient: { BinanceRESTClient(baseURL: base, apiKey: configuration.apiKey, apiSecret: configuration.apiSecret) },
                                    handler: { event in if case .message(let object) = event { messages.withLock { $0.append(object) } } })
        stream.start()
        defer { stream.stop() }
        #expect(eventually { exchange.service.streamSessionCount == 1 })
        exchange.service.withExchange { $0.liquidityPerLevel = Amount("0.004")! }  // three partial fills
        _ = try exchange.client.signed("POST", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"),
                                                                 ("quantity", "0.010"), ("newClientOrderId", "tr-1")])
        #expect(eventually { messages.withLock { $0.filter { $0["e"] == "ORDER_TRADE_UPDATE" }.count } == 4 })

        let scope = Scope(on: .binanceUSDM, mode: .sim)
        let streamEvents = try messages.withLock { $0 }.flatMap { message throws in try BinanceEventTranslator.events(fromStream: message, scope: scope) }
        guard case .array(let rows) = try exchange.client.signed("GET", "/fapi/v1/userTrades", [("symbol", "BTCUSDT")]) else {
            Issue.record("no trades"); return
        }
        guard case .object(let order) = try exchange.client.signed("GET", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("origClientOrderId", "tr-1")]),
              case .number(let orderID)? = order["orderId"] else { Issue.record("no order"); return }
        let restEvents = try BinanceEventTranslator.events(fromUserTrades: rows, clientOrderIDs: [orderID: "tr-1"], scope: scope)
            + [try BinanceEventTranslator.event(fromRESTOrder: order, scope: scope)]

        let kinds: Set<EventType> = [.tradeExecuted, .feeCharged]
        let fromStream = streamEvents.filter { kinds.contains($0.type) }
        let fromREST = restEvents.filter { kinds.contains($0.type) }
        #expect(fromStream.count == 6)  // 3 trades + 3 fees
        #expect(fromStream.map(\.dedupKey) == fromREST.map(\.dedupKey))
        #expect(fromStream.map(\.payload) == fromREST.map(\.payload))
        // The final order snapshot has the same key from both sides: the store keeps one.
        let finalStream = streamEvents.last { $0.entityKind == .order }
        #expect(finalStream?.dedupKey == restEvents.last?.dedupKey)
        #expect(streamEvents.contains { $0.type == .positionChanged } && streamEvents.contains { $0.type == .balanceChanged })
    }

    @Test("an unknown order status is refused with the field named, not guessed at")
    func unknownStatus() {
        let message: JSONObject = ["e": "ORDER_TRADE_UPDATE", "o": .object(["s": "BTCUSDT", "i": 1, "c": "x", "S": "BUY", "T": 1, "X": "WEIRD"])]
        #expect(throws: PayloadError.invalidValue(field: "X", reason: "unknown order status WEIRD")) {
            try BinanceEventTranslator.events(fromStream: message, scope: Scope(on: .binanceUSDM, mode: .sim))
        }
    }
}
