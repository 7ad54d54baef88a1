import AlphaTestSupport
import AlphaCore
import Testing
@testable import AlphaStore

@Suite("Market data store: closed candles per symbol and timeframe, bounded; the latest mark per symbol")
struct MarketDataStoreTests {
    func minute(_ index: Int64, close: Amount) -> Candle {
        let open = 1_767_225_600_000 + index * 60_000
        return Candle(openTime: open, closeTime: open + 59_999, open: close, high: close + 1, low: close - 1, close: close,
                      volume: Amount("1.5")!, quoteVolume: Amount("150.75")!, trades: 3)
    }

    @Test("Candles come back exactly, oldest first; a replay of one replaces it; only the newest `keep` stay", arguments: StoreKind.allCases)
    func candles(kind: StoreKind) throws {
        let file = try TestDatabase(kind)
        let store = MarketDataStore(database: try file.open())
        let minute = Timeframe.oneMinute
        try store.store((0..<10).map { self.minute($0, close: Amount(100 + Int($0))) }, symbol: "BTCUSDT", timeframe: minute, keep: 8)
        try store.store([self.minute(9, close: Amount("109.5")!)], symbol: "BTCUSDT", timeframe: minute, keep: 8)
        let all = try store.candles(symbol: "BTCUSDT", timeframe: minute, from: nil, until: nil, limit: 100)
        #expect(all.map(\.openTime) == (2..<10).map { self.minute($0, close: 0).openTime })
        #expect(all.last?.close == Amount("109.5")!)
        #expect(all.first == self.minute(2, close: 102))
        // Paged forward from an open time, and back from one; other symbols and timeframes apart.
        let page = try store.candles(symbol: "BTCUSDT", timeframe: minute, from: self.minute(4, close: 0).openTime, until: nil, limit: 3)
        #expect(page.map(\.close) == [104, 105, 106])
        let back = try store.candles(symbol: "BTCUSDT", timeframe: minute, from: nil, until: self.minute(5, close: 0).openTime, limit: 2)
        #expect(back.map(\.close) == [104, 105])
        #expect(try store.candles(symbol: "ETHUSDT", timeframe: minute, from: nil, until: nil, limit: 10).isEmpty)
        #expect(try store.latestCandle(symbol: "BTCUSDT", timeframe: Timeframe("5m")!) == nil)
        #expect(try store.latestCandle(symbol: "BTCUSDT", timeframe: minute)?.close == Amount("109.5")!)
    }

    @Test("The latest mark per symbol is kept, with its funding rate", arguments: StoreKind.allCases)
    func marks(kind: StoreKind) throws {
        let file = try TestDatabase(kind)
        let store = MarketDataStore(database: try file.open())
        try store.storeMark(MarkPrice(symbol: "BTCUSDT", price: Amount("50000.1")!, fundingRate: Amount("0.0001")!, nextFundingTime: 5, time: 1))
        try store.storeMark(MarkPrice(symbol: "BTCUSDT", price: Amount("50010.2")!, time: 2))
        try store.storeMark(MarkPrice(symbol: "ETHUSDT", price: Amount("3000")!, time: 2))
        let marks = try store.marks()
        #expect(marks["BTCUSDT"] == MarkPrice(symbol: "BTCUSDT", price: Amount("50010.2")!, time: 2))
        #expect(marks["ETHUSDT"]?.price == Amount("3000")!)
    }
}
