import AlphaBot
import AlphaCore
import AlphaStore
import Foundation
import Testing

/// The market-data feed alone, over a scripted venue and a real store: what it back-fills, what
/// it keeps, and which closed candles it hands on.
@Suite("Market-data feed: back-filled over REST, kept from the stream, only closed candles handed on")
struct MarketDataFeedTests {
    final class World {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("feed-\(UUID().uuidString)")
        let venue = ScriptedVenue()
        let store: MarketDataStore
        let feed: MarketDataFeed
        let time = KernelTime(now: Timestamp(millisecondsSinceEpoch: 1_796_000_000_000), monotonic: 1_000)
        let series = CandleSeries(symbol: "BTCUSDT", timeframe: .oneMinute)

        init(minutes: Int, keep: Int = 1_000) throws {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            store = MarketDataStore(database: try Database.openMigrated(path: directory.appendingPathComponent("m.db").path))
            var settings = MarketDataFeed.Settings()
            settings.keepCandles = keep
            feed = MarketDataFeed(venue: venue, store: store, wake: WorkSignal(), settings: settings)
            venue.scriptedMarket.candles["BTCUSDT 1m"] = (0..<minutes).map(Self.candle)
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        static func candle(_ index: Int) -> Candle {
            let open = Int64(index) * 60_000
            let close = Amount(50_000 + index % 7)
            return Candle(openTime: open, closeTime: open + 59_999, open: close, high: close, low: close, close: close)
        }

        func tick() throws { _ = try feed.tick(time) }
    }

    @Test("A need of 2 000 candles is fetched in two pages back by end time; the open candle is left out; only the newest is handed on")
    func backfillPages() throws {
        let world = try World(minutes: 3_000, keep: 2_000)
        world.feed.follow([world.series: 2_000])
        try world.feed.start(world.time)
        try world.tick()
        let kept = try world.store.candles(symbol: "BTCUSDT", timeframe: .oneMinute, from: nil, until: nil, limit: 5_000)
        #expect(kept.count == 2_000 && kept.last?.openTime == 2_998 * 60_000, "the open minute 2 999 is not kept")
        #expect(zip(kept, kept.dropFirst()).allSatisfy { $1.openTime - $0.openTime == 60_000 })
        #expect(world.venue.scriptedMarket.requests == 2)
        #expect(world.feed.takeClosed().map(\.candle.openTime) == [2_998 * 60_000])
        #expect(world.feed.rules["BTCUSDT"]?.tickSize == Amount("0.1")!)
    }

    @Test("The symbols' rules are read when the feed starts, though it follows nothing, and stored for /api/symbols")
    func rulesReadAndStored() throws {
        let world = try World(minutes: 0)
        try world.feed.start(world.time)
        try world.tick()
        #expect(world.feed.rules["BTCUSDT"] != nil)
        let stored = try world.store.symbolRules()
        #expect(stored.map(\.rules) == world.feed.rules.values.sorted { $0.symbol < $1.symbol })
        #expect(stored.first?.updatedAt == world.time.now)
    }

    @Test("From the stream: a closed candle is stored and handed on once, one in progress is not, a gap back-fills and hands on the newest")
    func streamAndGaps() throws {
        let world = try World(minutes: 100)
        world.feed.follow([world.series: 50])
        try world.feed.start(world.time)
        try world.tick()
        _ = world.feed.takeClosed()
        let stream = world.venue.marketStream
        stream.emit(.candle(symbol: "BTCUSDT", timeframe: .oneMinute, candle: World.candle(99), closed: false))
        try world.tick()
        #expect(world.feed.takeClosed().isEmpty)
        stream.emit(.candle(symbol: "BTCUSDT", timeframe: .oneMinute, candle: World.candle(99), closed: true))
        stream.emit(.candle(symbol: "BTCUSDT", timeframe: .oneMinute, candle: World.candle(99), closed: true))  // a repeat
        try world.tick()
        #expect(world.feed.takeClosed().map(\.candle.openTime) == [99 * 60_000])
        // The stream drops; three minutes close unseen; it comes back: the gap is fetched over REST.
        stream.emit(.disconnected(reason: "test"))
        world.venue.scriptedMarket.candles["BTCUSDT 1m"] = (0..<104).map(World.candle)
        stream.emit(.connected)
        try world.tick()
        let handed = world.feed.takeClosed()
        #expect(handed.map(\.candle.openTime) == [102 * 60_000] && handed.first?.backfilled == true)
        #expect(try world.store.latestCandle(symbol: "BTCUSDT", timeframe: .oneMinute)?.openTime == 102 * 60_000)
        // A close after a gap the stream did not report (a lost message) back-fills too.
        world.venue.scriptedMarket.candles["BTCUSDT 1m"] = (0..<107).map(World.candle)
        stream.emit(.candle(symbol: "BTCUSDT", timeframe: .oneMinute, candle: World.candle(105), closed: true))
        try world.tick()
        #expect(world.feed.takeClosed().map(\.candle.openTime) == [105 * 60_000])
        let kept = try world.store.candles(symbol: "BTCUSDT", timeframe: .oneMinute, from: 100 * 60_000, until: nil, limit: 100)
        #expect(kept.map { $0.openTime / 60_000 } == [100, 101, 102, 103, 104, 105])
    }

    @Test("Mark prices are kept in memory at once and written to the store at most once a second per symbol")
    func marks() throws {
        let world = try World(minutes: 10)
        world.feed.follow([world.series: 5])
        try world.feed.start(world.time)
        for price in ["50000", "50001", "50002"] {
            world.venue.marketStream.emit(.mark(MarkPrice(symbol: "BTCUSDT", price: Amount(price)!, time: 1)))
        }
        try world.tick()
        #expect(world.feed.marks["BTCUSDT"]?.price == Amount("50002")!)
        #expect(try world.store.marks()["BTCUSDT"]?.price == Amount("50000")!, "the first of the second is written, the rest wait")
    }
}
