import AlphaCore
import AlphaExchange
import AlphaHTTP
import AlphaJSON
import AlphaSim
import AlphaTestSupport
import Foundation
import Testing

/// The adapter's REST client against the simulator on a real port.
@Suite("Binance REST client against the simulator")
struct BinanceRESTClientTests {
    final class Exchange {
        let service: SimService
        let server: HTTPServer
        let client: BinanceRESTClient

        init(configure: (inout SimConfiguration) -> Void = { _ in }, timeoutMilliseconds: Int = 5_000) throws {
            var configuration = SimConfiguration.randomKeys()
            configure(&configuration)
            service = SimService(configuration: configuration)
            server = HTTPServer(handler: service.router.handler)
            try server.start()
            client = BinanceRESTClient(baseURL: "http://127.0.0.1:\(server.port)", apiKey: configuration.apiKey,
                                       apiSecret: configuration.apiSecret, timeoutMilliseconds: timeoutMilliseconds)
        }

        deinit { server.shutdown() }

        func control(_ path: String, _ body: String) throws {
            let raw = try RawClient(port: server.port)
            try raw.send("POST /sim/v1/\(path) HTTP/1.1\r\nHost: s\r\nAuthorization: Bearer \(service.configuration.controlToken)\r\n"
                + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            _ = try raw.readResponse()
        }
    }

    func order(_ clientOrderId: String) -> [(String, String)] {
        [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "0.010"), ("newClientOrderId", clientOrderId)]
    }

    @Test("signed order, query by client id, and the usage headers are tracked")
    func signedRoundTrip() throws {
        let exchange = try Exchange()
        let placed = try exchange.client.signed("POST", "/fapi/v1/order", order("ae-1"))
        guard case .object(let object) = placed else { Issue.record("not an object"); return }
        #expect(object["status"] == "FILLED")
        guard case .object(let queried) = try exchange.client.signed("GET", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("origClientOrderId", "ae-1")]) else {
            Issue.record("no order"); return
        }
        #expect(queried["clientOrderId"] == "ae-1")
        #expect(exchange.client.usedWeight > 0)
        #expect(exchange.client.orderCount10s == 1)
    }

    @Test("a skewed exchange clock (-1021) is handled by resyncing and sending once more")
    func clockResync() throws {
        let exchange = try Exchange()
        try exchange.control("faults", #"{"fault":"clock_skew","milliseconds":-20000}"#)
        _ = try exchange.client.signed("GET", "/fapi/v2/balance", [])
        #expect(abs(exchange.client.timeOffset + 20_000) < 2_000)
    }

    @Test("failures are classified: refused is definitive, 503 unknown and a timeout are not, 503 unavailable is, 429 and 418 carry Retry-After")
    func classification() throws {
        let exchange = try Exchange(timeoutMilliseconds: 1_000)
        func failure(_ body: () throws -> JSONValue) -> ExchangeError? {
            do { _ = try body(); return nil } catch let error as ExchangeError { return error } catch { return .unknown(reason: "\(error)") }
        }
        let refused = failure { try exchange.client.signed("POST", "/fapi/v1/order", [("symbol", "NOPE"), ("side", "BUY"), ("type", "MARKET"), ("quantity", "1")]) }
        #expect(refused == .rejected(status: 400, code: -1121, message: "Invalid symbol."))
        #expect(refused?.isDefinitive == true)

        try exchange.control("faults", #"{"fault":"unknown_after_execute"}"#)
        let unknown = failure { try exchange.client.signed("POST", "/fapi/v1/order", order("ae-2")) }
        #expect(unknown?.isDefinitive == false)

        try exchange.control("faults", #"{"fault":"http_5xx","path":"/fapi/v1/order","status":503}"#)
        #expect(failure { try exchange.client.signed("POST", "/fapi/v1/order", order("ae-3")) }?.isDefinitive == true)

        try exchange.control("faults", #"{"fault":"hang","milliseconds":2500}"#)
        let timedOut = failure { try exchange.client.signed("POST", "/fapi/v1/order", order("ae-4")) }
        guard case .unknown? = timedOut else { Issue.record("a timeout must be unknown, got \(String(describing: timedOut))"); return }
        // The order did execute: only a query can tell, which is why the outcome was unknown.
        #expect(exchange.service.withExchange { $0.orders.values.contains { $0.clientOrderId == "ae-4" } })

        try exchange.control("faults", #"{"fault":"rate_limit","seconds":30}"#)
        guard case .rateLimited(let retry)? = failure({ try exchange.client.get("/fapi/v1/ping") }) else { Issue.record("expected 429"); return }
        #expect(retry >= 29)
        // The client now holds back: the next request never leaves, so Binance has no reason to ban.
        guard case .rateLimited(let left)? = failure({ try exchange.client.get("/fapi/v1/ping") }) else { Issue.record("expected a held-back request"); return }
        #expect(left >= 28 && left <= 30)
        #expect(exchange.service.rateLimitRefusals.tooMany == 1 && exchange.service.rateLimitRefusals.banned == 0)
        // A client that ignores Retry-After (its own, fresh gate) is banned, as on Binance.
        let impolite = BinanceRESTClient(baseURL: exchange.client.baseURL, apiKey: "k", apiSecret: "s")
        guard case .banned? = failure({ try impolite.get("/fapi/v1/ping") }) else { Issue.record("expected 418"); return }
    }

    @Test("nothing listening: not sent, safe to retry")
    func notSent() {
        let client = BinanceRESTClient(baseURL: "http://127.0.0.1:1", apiKey: "k", apiSecret: "s")
        do {
            _ = try client.get("/fapi/v1/ping")
            Issue.record("connected to port 1")
        } catch {
            guard case .notSent = error else { Issue.record("expected notSent, got \(error)"); return }
            #expect(error.isDefinitive)
        }
    }
}
