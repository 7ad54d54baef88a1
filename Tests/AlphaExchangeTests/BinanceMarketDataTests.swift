import AlphaCore
import AlphaExchange
import AlphaHTTP
import AlphaSim
import AlphaTestSupport
import Foundation
import Synchronization
import Testing

/// The adapter's market data (REST klines, the combined market stream) against the simulator.
@Suite("Binance market data against the simulator: klines paged by time, closed candles and marks on the stream")
struct BinanceMarketDataTests {
    @Test("Klines: the newest page, then forward pages by startTime that join without gap or overlap; rows read exactly")
    func klines() throws {
        let exchange = try BinanceRESTClientTests.Exchange()
        var settings = SimMarketDriver.Settings()
        settings.historyDays = 1
        _ = SimMarketDriver(service: exchange.service, settings: settings)
        let market = BinanceMarketData(client: exchange.client)
        let minute = Timeframe.oneMinute
        let newest = try market.candles(symbol: "BTCUSDT", timeframe: minute, start: nil, end: nil, limit: 1000)
        #expect(newest.count == 1000)
        #expect(newest.last?.close == Amount("50000")!)
        var joined: [Candle] = []
        var start = newest[0].openTime
        while true {
            let page = try market.candles(symbol: "BTCUSDT", timeframe: minute, start: start, end: nil, limit: 300)
            joined += page
            guard page.count == 300, let last = page.last else { break }
            start = last.openTime + minute.milliseconds
        }
        #expect(joined == newest)
        #expect(throws: ExchangeError.self) { _ = try market.candles(symbol: "NOPEUSDT", timeframe: minute, start: nil, end: nil, limit: 5) }
    }

    /// The simulator with a market the test steps (one minute a wall second) and a market stream
    /// for BTCUSDT's one-minute candles, not yet started.
    static func streamWorld() throws -> (BinanceRESTClientTests.Exchange, SimMarketDriver, BinanceMarketStream) {
        let exchange = try BinanceRESTClientTests.Exchange()
        var settings = SimMarketDriver.Settings()
        settings.speed = 60
        settings.historyDays = 0
        let driver = SimMarketDriver(service: exchange.service, settings: settings)
        let stream = BinanceMarketStream(webSocketBase: "ws://127.0.0.1:\(exchange.server.port)", symbols: ["BTCUSDT"],
                                         timeframes: [.oneMinute])
        return (exchange, driver, stream)
    }

    @Test("The market stream: a scripted close arrives as a closed candle, and mark prices as marks")
    func stream() throws {
        let (exchange, driver, stream) = try Self.streamWorld()
        let received = Mutex<[MarketSignal]>([])
        stream.start { signal in received.withLock { $0.append(signal) } }
        defer { stream.stop() }
        #expect(eventually { received.withLock { $0.contains(.connected) } })
        try exchange.control("market/path", #"{"symbol":"BTCUSDT","closes":["50123.40","50200.00"]}"#)
        for _ in 0..<12 { driver.step(realMilliseconds: 250) }
        #expect(eventually {
            received.withLock { signals in
                signals.contains { if case .candle(_, _, let candle, true) = $0 { candle.close == Amount("50200")! } else { false } }
            }
        })
        let signals = received.withLock { $0 }
        let closed = signals.compactMap { if case .candle(let symbol, let timeframe, let candle, true) = $0 { (symbol, timeframe, candle) } else { nil } }
        #expect(closed.allSatisfy { $0.0 == "BTCUSDT" && $0.1 == .oneMinute })
        #expect(closed.map(\.2.close).suffix(2) == [Amount("50123.4")!, Amount("50200")!])
        #expect(signals.contains { if case .mark(let mark) = $0 { mark.symbol == "BTCUSDT" && mark.price > .zero } else { false } })
    }

    @Test("The market stream calls its handler at the same stack depth message after message (a re-wrapped closure once went ~500 bytes deeper each time)")
    func handlerDepthStaysPut() throws {
        let (exchange, driver, stream) = try Self.streamWorld()
        // Where on its thread's stack the handler runs, one address a call.
        let depths = Mutex<[Int]>([])
        stream.start { _ in
            var marker = 0
            let address = withUnsafeMutablePointer(to: &marker) { Int(bitPattern: $0) }
            depths.withLock { $0.append(address) }
        }
        defer { stream.stop(); withExtendedLifetime(exchange) {} }
        #expect(eventually { !depths.withLock { $0 }.isEmpty })
        for _ in 0..<800 { driver.step(realMilliseconds: 250) }
        #expect(eventually(within: 20) { depths.withLock { $0 }.count >= 1_000 }, "\(depths.withLock { $0 }.count) messages")
        let seen = depths.withLock { $0 }
        let early = seen[min(20, seen.count - 1)], late = seen[seen.count - 1]
        #expect(abs(early - late) < 4_096, "the handler ran \(early - late) bytes deeper after \(seen.count) messages")
    }
}
