import AlphaCore
import AlphaHTTP
import AlphaSim
import Foundation
import Synchronization
import Testing
@testable import AlphaExchange

/// The Upbit adapter's private stream against the Upbit simulator (issue 18): the hint and the
/// truth agree — each fact the stream gives carries the dedup key of its REST copy.
@Suite("Upbit adapter: the private stream against the Upbit simulator")
struct UpbitStreamAdapterTests {
    final class Signals: Sendable {
        let list = Mutex<[StreamSignal]>([])
        func append(_ signal: StreamSignal) { list.withLock { $0.append(signal) } }
        var facts: [Event] {
            list.withLock { signals in
                signals.flatMap { signal -> [Event] in
                    if case .facts(let events) = signal { return events }
                    return []
                }
            }
        }

        /// Waits up to 5 s for `condition`.
        func wait(_ condition: (Signals) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(5)
            while !condition(self), Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            return condition(self)
        }
    }

    @Test("a limit bid placed, then filled by the price: the stream's order, trade and fee carry the keys REST gives them; a lost server is a disconnection")
    func hintMatchesTruth() throws {
        let service = UpbitSimService(configuration: .randomKeys())
        let server = HTTPServer(handler: service.router.handler)
        try server.start()
        let credentials = UpbitCredentials(accessKey: service.configuration.accessKey, secretKey: service.configuration.secretKey)
        let scope = Scope(on: .upbitKRW, mode: .sim)
        let account = UpbitAccount(client: UpbitRESTClient(baseURL: "http://127.0.0.1:\(server.port)", credentials: credentials), scope: scope)
        var settings = UpbitStream.Settings()
        settings.backoffBaseMilliseconds = 50
        let stream = UpbitStream(webSocketBase: "ws://127.0.0.1:\(server.port)", credentials: credentials, markets: ["KRW-BTC"], scope: scope, settings: settings)
        let signals = Signals()
        stream.start { signals.append($0) }
        defer { stream.stop() }
        #expect(signals.wait { $0.list.withLock { $0.contains(.connected(label: "Upbit private stream")) } })
        #expect(signals.wait { _ in service.orderStreamCount == 1 }, "the request for myOrder arrived")

        _ = try account.place(OrderRequest(symbol: "KRW-BTC", side: .buy, type: .limit, quantity: Amount("0.001")!, price: Amount(139_000_000)),
                              clientOrderID: "ae-stream-1")
        #expect(signals.wait { $0.facts.contains { $0.type == .orderPlaced } })
        service.setPrice(Amount(138_000_000), market: "KRW-BTC")
        #expect(signals.wait { $0.facts.contains { $0.type == .feeCharged } })

        let streamed = signals.facts
        let rest = try account.order(symbol: "KRW-BTC", clientOrderID: "ae-stream-1", type: .limit)
        #expect(streamed.contains { $0.dedupKey == rest.dedupKey && $0.type == rest.type }, "the filled order, once from each side")
        let page = try account.trades(symbol: "KRW-BTC", start: nil, end: nil, after: nil, limit: 100, clientOrderIDs: [:])
        #expect(Set(page.events.map(\.dedupKey)) == Set(streamed.filter { $0.type == .tradeExecuted || $0.type == .feeCharged }.map(\.dedupKey)))
        let fees = try streamed.filter { $0.type == .feeCharged }.map { try FeePayload(json: $0.payload).amount }
        #expect(fees == [Amount("69.5")!])
        #expect(streamed.allSatisfy { $0.source == .webSocket })
        // myAsset has no average buy price: it says the holdings changed, for the bot to read them.
        #expect(signals.list.withLock { $0.contains(.holdingsChanged) })

        server.shutdown()
        #expect(signals.wait { $0.list.withLock { $0.contains { if case .disconnected = $0 { true } else { false } } } })
    }
}
