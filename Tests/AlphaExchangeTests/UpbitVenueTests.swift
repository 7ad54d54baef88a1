import AlphaCore
import AlphaHTTP
import AlphaSim
import Foundation
import Synchronization
import Testing
@testable import AlphaExchange

/// Upbit as a venue (issue 18): candles polled over REST become the market stream's signals —
/// each closed candle once, the one in progress when it changes, the last price as the mark.
@Suite("Upbit venue: candles polled into market signals")
struct UpbitVenueTests {
    static func candle(_ minute: Int64, close: Int) -> Candle {
        Candle(openTime: minute * 60_000, closeTime: minute * 60_000 + 59_999, open: Amount(close), high: Amount(close), low: Amount(close),
               close: Amount(close), volume: .zero)
    }

    static func describe(_ signals: [MarketSignal]) -> [String] {
        signals.map { signal in
            if case .candle(_, _, let candle, let closed) = signal { "\(candle.openTime / 60_000) \(candle.close) \(closed ? "closed" : "open")" } else { "\(signal)" }
        }
    }

    @Test("the first poll is history: only the candle in progress; then each close once, in order, a changed candle in progress, nothing when nothing changed")
    func tracker() {
        var tracker = PollingMarketStream.Tracker()
        let minute = Timeframe.oneMinute
        #expect(Self.describe(tracker.signals(symbol: "KRW-BTC", timeframe: minute, newest: [Self.candle(8, close: 1), Self.candle(9, close: 2), Self.candle(10, close: 3)]))
            == ["10 3 open"])
        #expect(tracker.signals(symbol: "KRW-BTC", timeframe: minute, newest: [Self.candle(8, close: 1), Self.candle(9, close: 2), Self.candle(10, close: 3)]).isEmpty)
        #expect(Self.describe(tracker.signals(symbol: "KRW-BTC", timeframe: minute, newest: [Self.candle(8, close: 1), Self.candle(9, close: 2), Self.candle(10, close: 4)]))
            == ["10 4 open"])
        // Two minutes passed between polls: both closes, oldest first, then the new one in progress.
        #expect(Self.describe(tracker.signals(symbol: "KRW-BTC", timeframe: minute, newest: [Self.candle(10, close: 5), Self.candle(11, close: 6), Self.candle(12, close: 7)]))
            == ["10 5 closed", "11 6 closed", "12 7 open"])
        #expect(tracker.signals(symbol: "KRW-BTC", timeframe: minute, newest: []).isEmpty)
    }

    @Test("against the simulator: connected, the candle in progress and the mark; a new price is the next mark; a lost server is a disconnection")
    func marketStream() throws {
        let service = UpbitSimService(configuration: .randomKeys())
        let server = HTTPServer(handler: service.router.handler)
        try server.start()
        var settings = UpbitVenue.Settings(restURL: "http://127.0.0.1:\(server.port)", webSocketURL: "ws://127.0.0.1:\(server.port)",
                                           credentials: UpbitCredentials(accessKey: service.configuration.accessKey, secretKey: service.configuration.secretKey))
        settings.candlePollMilliseconds = 50
        let venue = UpbitVenue(settings: settings, scope: Scope(on: .upbitKRW, mode: .sim))
        #expect(venue.capabilities.market == .spot && venue.capabilities.leverage == nil)
        let signals = Mutex<[MarketSignal]>([])
        let stream = venue.makeMarketStream(symbols: ["KRW-BTC"], timeframes: [.oneMinute])
        stream.start { signal in signals.withLock { $0.append(signal) } }
        defer { stream.stop() }
        func wait(_ condition: ([MarketSignal]) -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(5)
            while !signals.withLock({ condition($0) }), Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
            return signals.withLock { condition($0) }
        }
        func mark(_ price: Int) -> ([MarketSignal]) -> Bool {
            { $0.contains { if case .mark(let mark) = $0 { mark.symbol == "KRW-BTC" && mark.price == Amount(price) } else { false } } }
        }
        #expect(wait { $0.first == .connected })
        #expect(wait { $0.contains { if case .candle("KRW-BTC", .oneMinute, _, false) = $0 { true } else { false } } })
        #expect(wait(mark(140_000_000)))
        service.setPrice(Amount(141_000_000), market: "KRW-BTC")
        #expect(wait(mark(141_000_000)))
        #expect(try venue.account.balances().first?.walletBalance == Amount(10_000_000), "the account through the venue")
        server.shutdown()
        #expect(wait { $0.contains { if case .disconnected = $0 { true } else { false } } })
    }
}
