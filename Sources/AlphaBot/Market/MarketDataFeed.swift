import AlphaCore
import AlphaExchange
import AlphaStore
import AlphaSystem
import Logging

/// One symbol's candles of one timeframe.
public struct CandleSeries: Sendable, Hashable, CustomStringConvertible {
    public var symbol: String
    public var timeframe: Timeframe

    public init(symbol: String, timeframe: Timeframe) {
        self.symbol = symbol
        self.timeframe = timeframe
    }

    public var description: String { "\(symbol) \(timeframe)" }
}

/// A candle that has just closed, as the feed hands it on.
public struct ClosedCandle: Sendable, Equatable {
    public var series: CandleSeries
    public var candle: Candle
    /// Found by a back-fill (boot, reconnect, a gap) rather than seen closing on the stream.
    public var backfilled: Bool
}

/// The market data the strategy decides on (issue 13): closed candles of every series it needs,
/// back-filled over REST through the venue's rate-limit gate and kept current from the kline
/// stream, stored in their own bounded table (`market_candles`, not the event store: market data
/// is not an account fact), and the mark prices from the mark-price stream.
///
/// Only closed candles are handed on. A back-fill (at boot, after the stream reconnects, when a
/// close arrives after a gap) stores every candle it finds but hands on only the newest, so a
/// strategy never acts late on a candle the market has moved past.
public final class MarketDataFeed: BotComponent {
    public struct Settings: Sendable {
        /// The fewest closed candles kept per series (more when a strategy needs more).
        public var keepCandles = 1_000
        /// Mark prices arrive every second; the store is written at most this often per symbol.
        public var markWriteMilliseconds: Int64 = 1_000
        /// The pause before a back-fill that failed is tried again.
        public var retryMilliseconds: Int64 = 2_000
        public init() {}
    }

    public let name = "market"
    private let venue: any ExchangeVenue
    private let store: any MarketDataRepository
    private let settings: Settings
    private let log: Logger
    private let inbox: SignalInbox<MarketSignal>
    private var stream: (any MarketStream)?
    private var started = false
    /// How many closed candles each followed series needs.
    private var needs: [CandleSeries: Int] = [:]
    /// The open time of the newest closed candle stored per series.
    private var newest: [CandleSeries: Int64] = [:]
    private var backfillDue: Set<CandleSeries> = []
    private var retryAt: Int64?
    private var streamWasDown = false
    private var closed: [ClosedCandle] = []
    private var lastMarkWrite: [String: Int64] = [:]
    private var failures = RepeatedFailureLog()
    /// The latest mark price per symbol.
    public private(set) var marks: [String: MarkPrice] = [:]
    /// Each symbol's tick, step and bounds, read from the exchange when the feed starts.
    public private(set) var rules: [String: SymbolRules] = [:]
    /// Whether the market stream is connected.
    public private(set) var streamUp = false

    public init(venue: any ExchangeVenue, store: any MarketDataRepository, wake: WorkSignal, settings: Settings = Settings(),
                log: Logger = Logger(label: "market")) {
        self.venue = venue
        self.store = store
        self.settings = settings
        self.log = log
        inbox = SignalInbox(wake: wake)
    }

    /// Follows exactly these series, each with the closed candles it needs: a new series is
    /// back-filled on the next tick and the stream is reopened for the new set.
    public func follow(_ wanted: [CandleSeries: Int]) {
        guard wanted != needs else { return }
        let streamChanged = Set(wanted.keys) != Set(needs.keys)
        // A new series, or one that needs more candles than before, is back-filled.
        for (series, count) in wanted where count > needs[series] ?? 0 { backfillDue.insert(series) }
        needs = wanted
        if started && streamChanged { restartStream() }
    }

    /// The candles that closed since the last call, oldest first.
    public func takeClosed() -> [ClosedCandle] {
        defer { closed.removeAll() }
        return closed
    }

    /// The closed candles of `series` up to `until` (open time, inclusive), oldest first.
    public func candles(_ series: CandleSeries, until: Int64, count: Int) throws -> [Candle] {
        try store.candles(symbol: series.symbol, timeframe: series.timeframe, from: nil, until: until, limit: count)
    }

    public func start(_ time: KernelTime) throws {
        marks = (try? store.marks()) ?? [:]
        started = true
        restartStream()
    }

    public func tick(_ time: KernelTime) throws -> Bool {
        var worked = try drain(time)
        // Read once at start whatever the strategy follows: the runner rounds to them and the
        // dashboard checks manual orders against them (`/api/symbols`).
        if rules.isEmpty, retryAt.map({ time.monotonic >= $0 }) ?? true, venue.pacer.closure(now: time.monotonic) == nil {
            worked = true
            do {
                rules = try venue.marketData.symbolRules()
                try store.storeSymbolRules(rules.values.sorted { $0.symbol < $1.symbol }, at: time.now)
                if rules.isEmpty { retryAt = time.monotonic + settings.retryMilliseconds } // not every tick
            } catch {
                failures.failed("reading the symbols' rules", error, log)
                retryAt = time.monotonic + settings.retryMilliseconds
            }
        }
        if !backfillDue.isEmpty, retryAt.map({ time.monotonic >= $0 }) ?? true, venue.pacer.closure(now: time.monotonic) == nil {
            backfill(time)
            worked = true
        }
        return worked
    }

    public func stop(_ time: KernelTime) throws {
        stream?.stop()
        stream = nil
        started = false
    }

    private func restartStream() {
        stream?.stop()
        let series = needs.keys
        let symbols = Array(Set(series.map(\.symbol))).sorted()
        guard !symbols.isEmpty else { stream = nil; return }
        let timeframes = Array(Set(series.map(\.timeframe))).sorted()
        let stream = venue.makeMarketStream(symbols: symbols, timeframes: timeframes)
        self.stream = stream
        let inbox = self.inbox
        stream.start { signal in inbox.receive(signal) }
    }

    private func drain(_ time: KernelTime) throws -> Bool {
        let signals = inbox.takeAll()
        for signal in signals {
            switch signal {
            case .connected:
                streamUp = true
                if streamWasDown { backfillDue.formUnion(needs.keys) }  // candles may have closed unseen
                streamWasDown = false
            case .disconnected(let reason):
                if streamUp { log.warning("market stream disconnected", metadata: ["reason": "\(reason)"]) }
                streamUp = false
                streamWasDown = true
            case .candle(let symbol, let timeframe, let candle, let isClosed):
                guard isClosed else { continue }
                received(candle, CandleSeries(symbol: symbol, timeframe: timeframe))
            case .mark(let mark):
                marks[mark.symbol] = mark
                if lastMarkWrite[mark.symbol].map({ time.monotonic - $0 >= settings.markWriteMilliseconds }) ?? true {
                    lastMarkWrite[mark.symbol] = time.monotonic
                    do { try store.storeMark(mark) } catch { failures.failed("storing a mark price", error, log) }
                }
            }
        }
        return !signals.isEmpty
    }

    /// A candle the stream says has closed: stored and handed on, unless it is one already
    /// stored. One that leaves a gap behind it (or comes before any back-fill) is left to a
    /// back-fill, which stores it with the candles missed and hands it on as the newest.
    private func received(_ candle: Candle, _ series: CandleSeries) {
        guard let need = needs[series], candle.isWellFormed else { return }
        guard let last = newest[series], candle.openTime <= last + series.timeframe.milliseconds else {
            backfillDue.insert(series)
            return
        }
        guard candle.openTime > last, !backfillDue.contains(series) else { return }
        do {
            try store.store([candle], symbol: series.symbol, timeframe: series.timeframe, keep: keep(need))
        } catch {
            failures.failed("storing a candle", error, log)
            backfillDue.insert(series)  // fetched again over REST
            return
        }
        newest[series] = candle.openTime
        closed.append(ClosedCandle(series: series, candle: candle, backfilled: false))
    }

    private func keep(_ need: Int) -> Int { max(settings.keepCandles, 2 * need) }

    /// Fetches each due series' newest candles over REST, paging back by end time when one page
    /// is not enough. The newest row the exchange returns is the candle still open: left out.
    private func backfill(_ time: KernelTime) {
        for series in backfillDue.sorted(by: { $0.description < $1.description }) {
            guard let need = needs[series] else { backfillDue.remove(series); continue }
            guard venue.pacer.closure(now: time.monotonic) == nil else { return }
            do {
                let candles = try fetchNewest(series, count: need)
                backfillDue.remove(series)
                retryAt = nil
                failures.succeeded(log)
                guard let last = candles.last else { continue }
                try store.store(candles, symbol: series.symbol, timeframe: series.timeframe, keep: keep(need))
                let handOn = newest[series].map { last.openTime > $0 } ?? true
                newest[series] = max(newest[series] ?? .min, last.openTime)
                if handOn { closed.append(ClosedCandle(series: series, candle: last, backfilled: true)) }
                log.debug("back-filled", metadata: ["series": "\(series)", "candles": "\(candles.count)"])
            } catch {
                failures.failed("back-filling \(series)", error, log)
                retryAt = time.monotonic + settings.retryMilliseconds
                return
            }
        }
    }

    private func fetchNewest(_ series: CandleSeries, count: Int) throws -> [Candle] {
        let market = venue.marketData
        var page = try market.candles(symbol: series.symbol, timeframe: series.timeframe, start: nil, end: nil,
                                      limit: min(count + 1, market.candlesPerRequest))
        if !page.isEmpty { page.removeLast() }  // still open
        var candles = page
        while candles.count < count, let oldest = candles.first, page.count > 0 {
            page = try market.candles(symbol: series.symbol, timeframe: series.timeframe, start: nil, end: oldest.openTime - 1,
                                      limit: min(count - candles.count, market.candlesPerRequest))
            candles = page.filter { $0.openTime < oldest.openTime } + candles
        }
        return candles.filter(\.isWellFormed)
    }
}
