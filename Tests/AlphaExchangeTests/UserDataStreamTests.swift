import AlphaCore
import AlphaExchange
import AlphaHTTP
import AlphaJSON
import AlphaSim
import AlphaTestSupport
import Foundation
import Synchronization
import Testing

@Suite("User-data stream client against the simulator")
struct UserDataStreamTests {
    /// What the stream handed over, in order.
    final class Recorder: Sendable {
        let events = Mutex<[String]>([])

        func record(_ event: UserDataStream.Event) {
            let line: String
            switch event {
            case .connected: line = "connected"
            case .disconnected: line = "disconnected"
            case .listenKeyExpired: line = "expired"
            case .message(let object):
                if case .object(let order)? = object["o"], case .string(let client)? = order["c"], case .string(let status)? = order["X"] {
                    line = "order \(client) \(status)"
                } else if case .string(let kind)? = object["e"] {
                    line = kind
                } else {
                    line = "other"
                }
            }
            events.withLock { $0.append(line) }
        }

        func count(_ line: String) -> Int { events.withLock { $0.filter { $0 == line }.count } }
    }

    @Test("events arrive; a dropped socket and an expired listenKey are both recovered and events keep arriving")
    func recovers() throws {
        let exchange = try BinanceRESTClientTests.Exchange()
        let recorder = Recorder()
        var settings = UserDataStream.Settings()
        settings.backoffBaseMilliseconds = 50
        let base = exchange.client.baseURL
        let configuration = exchange.service.configuration
        let stream = UserDataStream(webSocketBase: base.replacingOccurrences(of: "http://", with: "ws://"), settings: settings,
                                    makeClient: { BinanceRESTClient(baseURL: base, apiKey: configuration.apiKey, apiSecret: configuration.apiSecret) },
                                    handler: { recorder.record($0) })
        stream.start()
        defer { stream.stop() }
        #expect(eventually { recorder.count("connected") == 1 })

        _ = try exchange.client.signed("POST", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"),
                                                                 ("quantity", "0.010"), ("newClientOrderId", "s-1")])
        #expect(eventually { recorder.count("order s-1 FILLED") == 1 })

        try exchange.control("streams/drop", "")
        #expect(eventually { recorder.count("disconnected") == 1 && recorder.count("connected") == 2 })
        _ = try exchange.client.signed("POST", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", "SELL"), ("type", "MARKET"),
                                                                 ("quantity", "0.010"), ("newClientOrderId", "s-2")])
        #expect(eventually { recorder.count("order s-2 FILLED") == 1 })

        try exchange.control("listenKey/expire", "")
        #expect(eventually { recorder.count("expired") == 1 && recorder.count("connected") == 3 })
        _ = try exchange.client.signed("POST", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"),
                                                                 ("quantity", "0.010"), ("newClientOrderId", "s-3")])
        #expect(eventually { recorder.count("order s-3 FILLED") == 1 })
    }
}
