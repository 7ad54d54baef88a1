import AlphaCore
import AlphaHTTP
import AlphaSim
import Testing
@testable import AlphaExchange

/// Upbit's candles and market rules through the adapter, against the Upbit simulator (issue 18).
@Suite("Upbit market data against the Upbit simulator")
struct UpbitMarketDataTests {
    @Test("candles oldest first: the newest page, a page forward from a start, one up to an end, days; Upbit's units only")
    func candles() throws {
        let service = UpbitSimService(configuration: .randomKeys())
        let server = HTTPServer(handler: service.router.handler)
        try server.start()
        defer { server.shutdown() }
        let data = UpbitMarketData(client: UpbitRESTClient(baseURL: "http://127.0.0.1:\(server.port)",
                                                           credentials: UpbitCredentials(accessKey: "unused", secretKey: "unused")))
        let minute = Timeframe.oneMinute
        let newest = try data.candles(symbol: "KRW-BTC", timeframe: minute, start: nil, end: nil, limit: 5)
        #expect(newest.count == 5 && zip(newest, newest.dropFirst()).allSatisfy { $1.openTime == $0.openTime + 60_000 })
        #expect(newest.last?.close == Amount(140_000_000), "the history ends at the start price")
        let start = newest[0].openTime - 10 * 60_000
        let forward = try data.candles(symbol: "KRW-BTC", timeframe: minute, start: start, end: nil, limit: 4)
        #expect(forward.map(\.openTime) == (0..<4).map { start + Int64($0) * 60_000 })
        let upTo = try data.candles(symbol: "KRW-BTC", timeframe: Timeframe("5m")!, start: nil, end: start, limit: 3)
        #expect(upTo.count == 3 && upTo.last!.openTime <= start && upTo.last!.closeTime == upTo.last!.openTime + 300_000 - 1)
        let days = try data.candles(symbol: "KRW-BTC", timeframe: Timeframe("1d")!, start: nil, end: nil, limit: 2)
        #expect(days.count == 2 && days.allSatisfy { $0.openTime % 86_400_000 == 0 })
        #expect(throws: ExchangeError.self) { try data.candles(symbol: "KRW-BTC", timeframe: Timeframe("2h")!, start: nil, end: nil, limit: 1) }
        // Each market's rules: the price unit of its price's band, 8 decimals of volume, 5 000 KRW.
        let rules = try data.symbolRules()
        #expect(rules["KRW-BTC"] == SymbolRules(symbol: "KRW-BTC", tickSize: Amount(1000), stepSize: Amount("0.00000001")!,
                                                minQuantity: Amount("0.00000001")!, minNotional: Amount(5000)))
        #expect(rules.keys.sorted() == ["KRW-BTC", "KRW-ETH"])
    }

    @Test("minutes in which the price did not move are flat candles: the newest is always the current minute's, however long ago the simulator started")
    func currentMinute() throws {
        let started = Timestamp.now().millisecondsSinceEpoch - 5 * 60_000
        let service = UpbitSimService(configuration: .randomKeys(), now: started)
        let server = HTTPServer(handler: service.router.handler)
        try server.start()
        defer { server.shutdown() }
        let data = UpbitMarketData(client: UpbitRESTClient(baseURL: "http://127.0.0.1:\(server.port)",
                                                           credentials: UpbitCredentials(accessKey: "unused", secretKey: "unused")))
        let before = Timestamp.now().millisecondsSinceEpoch
        let newest = try data.candles(symbol: "KRW-BTC", timeframe: .oneMinute, start: nil, end: nil, limit: 8)
        let after = Timestamp.now().millisecondsSinceEpoch
        #expect(newest.count == 8 && zip(newest, newest.dropFirst()).allSatisfy { $1.openTime == $0.openTime + 60_000 }, "no gap")
        #expect([before - before % 60_000, after - after % 60_000].contains(newest.last!.openTime))
        #expect(newest.suffix(4).allSatisfy { $0.open == Amount(140_000_000) && $0.high == $0.low }, "flat while nothing moved")
    }
}
