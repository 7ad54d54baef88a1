import AlphaCore
import AlphaHTTP
import AlphaSim
import AlphaTestSupport
import Foundation
import Testing

/// Unmodified third-party Upbit clients against the Upbit simulator (issue 18), only their base
/// URL changed; the simulator's own ledger is checked after each session, to the won and satoshi.
@Suite("Third-party Upbit clients against the Upbit simulator")
struct UpbitClientTests {
    static let python = PythonPeer.repositoryRoot.appendingPathComponent(".venv-clients/bin/python").path

    func run(_ script: String) throws -> (lines: [String], status: Int32, service: UpbitSimService) {
        #expect(FileManager.default.isExecutableFile(atPath: Self.python), "run scripts/setup-python-clients first")
        let service = UpbitSimService(configuration: .randomKeys())
        let server = HTTPServer(handler: service.router.handler)
        try server.start()
        defer { server.shutdown() }
        let client = try PythonPeer(suite: "AlphaSimTests", script, arguments: ["http://127.0.0.1:\(server.port)", service.configuration.accessKey,
                                                                                 service.configuration.secretKey], python: Self.python)
        var lines: [String] = []
        while let line = client.readLine() { lines.append(line) }
        return (lines, client.wait(), service)
    }

    @Test("pyupbit: balances, chance, price, order book, candles, limit buy listed and cancelled, market buy and sell, minimum, auth refusals")
    func pyupbit() throws {
        let (lines, status, service) = try run("pyupbit_client.py")
        #expect(status == 0, "pyupbit output: \(lines)")
        #expect(lines.last == "DONE")
        for step in ["get_balances", "get_chance", "get_current_price", "get_orderbook", "get_ohlcv", "buy_limit_order", "get_order",
                     "cancel_order", "buy_market_order", "sell_market_order", "under_min_total", "auth_refusals"] {
            #expect(lines.contains { $0.hasPrefix("OK \(step) ") }, "missing step \(step)")
        }
        // Bought 0.00007142 BTC for 9 998.8 KRW and sold it for the same, 4.9994 KRW of fee each way.
        service.withExchange { exchange in
            #expect(exchange.holding("KRW") == UpbitHolding(balance: Amount("9999990.0012")!, locked: .zero, averageBuyPrice: .zero))
            #expect(exchange.holding("BTC").balance.isZero && exchange.holding("BTC").locked.isZero)
            #expect(exchange.placed.count == 3, "the order under the minimum was never placed")
        }
    }

    @Test("upbit-sdk: accounts, chance, limit buy by identifier read, listed, cancelled and listed closed, market buy, reused identifier, candles, tickers, order book, auth refusals")
    func upbitSDK() throws {
        let (lines, status, service) = try run("upbit_sdk_client.py")
        #expect(status == 0, "upbit-sdk output: \(lines)")
        #expect(lines.last == "DONE")
        #expect(lines.contains("OK reused_identifier 400 duplicated_identifier"))
        service.withExchange { exchange in
            #expect(exchange.holding("KRW").balance == Amount(10_000_000) - Amount("9998.8")! - Amount("4.9994")!)
            #expect(exchange.holding("BTC") == UpbitHolding(balance: Amount("0.00007142")!, locked: .zero, averageBuyPrice: Amount(140_000_000)))
            let cancelled = try? exchange.order(uuid: nil, identifier: "sdk-limit-1")
            #expect(cancelled?.state == .cancel && cancelled?.locked == .zero)
        }
    }
}
