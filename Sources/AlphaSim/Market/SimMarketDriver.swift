import AlphaCore
import Foundation
import Synchronization

/// Moves the market: every tick, market time advances `speed` times the wall time that passed,
/// in sub-steps of at most 15 market seconds. At each sub-step each symbol's price takes a step
/// of its seeded price process (or of its scripted path), a trade prints on the tape, resting
/// orders that the price reaches fill, and candles that the step closed are pushed on their
/// kline streams with `x: true`. The mark price and the candle in progress are pushed once a
/// tick. With speed 60 a one-minute candle closes every wall second; with 2880 a funding
/// period passes every 10 seconds. API timestamps stay real (clients sign with real time).
public final class SimMarketDriver: Sendable {
    public struct Settings: Sendable {
        public var seed: UInt64 = 1
        public var speed: Double = 1
        public var volatility: Double = 0.8
        public var drift: Double = 0
        public var tickMilliseconds = 250
        public var fundingRate = Amount("0.0001")!
        /// Days of one-minute candles made before the start (0: none).
        public var historyDays = 14
        public init() {}
    }

    private let service: SimService
    private let settings: Settings
    private let processes: Mutex<[String: SimPriceProcess]>
    private let tapeRandom: Mutex<SplitMix64>
    private let running = Atomic<Bool>(false)
    private let finished = Mutex<DispatchSemaphore?>(nil)
    static let subStep: Int64 = 15_000

    public init(service: SimService, settings: Settings) {
        self.service = service
        self.settings = settings
        let symbols = service.withExchange { $0.symbols.keys.sorted() }
        processes = Mutex(Dictionary(uniqueKeysWithValues: symbols.enumerated().map { index, name in
            (name, SimPriceProcess(seed: settings.seed &+ UInt64(index) &* 0x9E37_79B9, drift: settings.drift, volatility: settings.volatility))
        }))
        tapeRandom = Mutex(SplitMix64(seed: settings.seed ^ 0x7A9E))
        service.state.withLock { state in
            state.market.fundingRate = settings.fundingRate
            state.market.speed = settings.speed
        }
        if settings.historyDays > 0 {
            service.seedHistory(days: settings.historyDays, seed: settings.seed, volatility: settings.volatility)
        }
    }

    /// One step of `realMilliseconds` of wall time: prices, trades, fills, candles, streams, funding when due.
    public func step(realMilliseconds: Int) {
        advance(marketMilliseconds: Int64((Double(realMilliseconds) * settings.speed).rounded()))
    }

    /// Moves the market to the end of the minute in progress, so that candle closes and nothing of
    /// the next one has happened yet: what a test that closes candles one by one wants.
    public func closeCandle() {
        let now = service.marketNow()
        advance(marketMilliseconds: SimCandleBook.minute - now % SimCandleBook.minute)
    }

    /// One step of `elapsed` milliseconds of market time.
    public func advance(marketMilliseconds elapsed: Int64) {
        let specs = service.withExchange { $0.symbols }
        let names = specs.keys.sorted()
        var time = service.marketNow()
        let end = time + elapsed
        while time < end {
            let next = min(end, time + Self.subStep)
            let crossedFunding = next / SimMarketState.fundingInterval != time / SimMarketState.fundingInterval
            service.advanceMarket(to: next, specs: specs)
            for name in names {
                guard let spec = specs[name] else { continue }
                move(name, spec: spec, from: time, to: next)
            }
            if crossedFunding { service.fund(rate: settings.fundingRate) }
            time = next
        }
        let nextFunding = service.state.withLock { $0.market.nextFunding(realNow: service.now()) }
        for name in names {
            guard let spec = specs[name] else { continue }
            service.publishMarket(symbol: name, spec: spec, fundingRate: settings.fundingRate, nextFunding: nextFunding)
        }
        service.expireListenKeyIfDue()
        service.streams.maintain(now: service.now())
    }

    /// The price at `time`: the scripted path's close while one runs, else the process's next step.
    private func move(_ name: String, spec: SimSymbol, from: Int64, to: Int64) {
        guard let current = service.withExchange({ $0.prices[name] }) else { return }
        let next: Amount
        switch service.state.withLock({ $0.market.paths[name] })?.step(at: to) {
        case .hold?: next = current
        case .price(let close)?: next = close
        case .finished?:
            service.state.withLock { _ = $0.market.paths.removeValue(forKey: name) }
            next = processes.withLock { $0[name]!.next(from: current, elapsedSeconds: Double(to - from) / 1000, tick: spec.tickSize) }
        case nil:
            next = processes.withLock { $0[name]!.next(from: current, elapsedSeconds: Double(to - from) / 1000, tick: spec.tickSize) }
        }
        // Between 1 000 and 50 000 of the quote asset changes hands at the new price.
        let notional = Amount(Int(1_000 + tapeRandom.withLock { $0.next() } % 49_000))
        let quantity = max(spec.minQuantity, notional.divided(by: next, scale: spec.quantityPrecision, mode: .down))
        service.setPrice(next, for: name, quantity: quantity)
    }

    /// Steps on a thread until `stop()`, by the wall time that really passed (so market time does
    /// not fall behind the clock by the time the steps themselves take).
    public func start() {
        guard !running.exchange(true, ordering: .relaxed) else { return }
        let done = DispatchSemaphore(value: 0)
        finished.withLock { $0 = done }
        let thread = Thread { [self] in
            var last = DispatchTime.now().uptimeNanoseconds
            while running.load(ordering: .relaxed) {
                usleep(UInt32(settings.tickMilliseconds) * 1000)
                let now = DispatchTime.now().uptimeNanoseconds
                step(realMilliseconds: Int((now - last) / 1_000_000))
                last += (now - last) / 1_000_000 * 1_000_000
            }
            done.signal()
        }
        thread.name = "alphasim-market"
        thread.start()
    }

    public func stop() {
        guard running.exchange(false, ordering: .relaxed) else { return }
        finished.withLock { $0 }?.wait()
    }
}

extension SimService {
    /// Pushes the mark price (both the 3 s and the 1 s stream names) and the candle in progress
    /// on every followed kline stream.
    func publishMarket(symbol: String, spec: SimSymbol, fundingRate: Amount, nextFunding: Int64) {
        let time = now()
        let price = state.withLock { $0.exchange.prices[symbol] ?? .zero }
        let lower = symbol.lowercased()
        let mark = MarketEvents.markPrice(symbol: symbol, price: price, fundingRate: fundingRate, nextFunding: nextFunding, time: time)
        streams.publish(mark, stream: "\(lower)@markPrice")
        streams.publish(mark, stream: "\(lower)@markPrice@1s")
        for timeframe in Timeframe.all where streams.isFollowed("\(lower)@kline_\(timeframe.name)") {
            let candle = state.withLock { state in
                state.candles.klines(symbol: symbol, interval: timeframe.milliseconds, startTime: nil, endTime: nil, limit: 1).last
            }
            guard let candle else { continue }
            streams.publish(MarketEvents.kline(symbol: symbol, interval: timeframe.name, candle: candle, closed: false, spec: spec, time: time),
                            stream: "\(lower)@kline_\(timeframe.name)")
        }
    }

    /// Moves market time to `time` and pushes, once and with `x: true`, every candle of a
    /// followed kline stream that ends before it, as Binance does at the interval's end. Both
    /// happen under the one lock, so a fill arriving meanwhile cannot open the next minute first
    /// and hide the close.
    func advanceMarket(to time: Int64, specs: [String: SimSymbol]) {
        let followed = specs.keys.map { symbol in
            (symbol, Timeframe.all.filter { streams.isFollowed("\(symbol.lowercased())@kline_\($0.name)") })
        }
        let closed = state.withLock { state -> [(String, Timeframe, Candle)] in
            state.market.time = time
            var closed: [(String, Timeframe, Candle)] = []
            for (symbol, timeframes) in followed {
                guard let current = state.candles.current(symbol: symbol), current.openTime < time - time % SimCandleBook.minute else { continue }
                for timeframe in timeframes {
                    let open = timeframe.openTime(containing: current.openTime)
                    guard open < timeframe.openTime(containing: time),
                          let candle = state.candles.klines(symbol: symbol, interval: timeframe.milliseconds, startTime: open, endTime: nil, limit: 1).first,
                          candle.openTime == open else { continue }
                    closed.append((symbol, timeframe, candle))
                }
                // The next minute opens at once, at the close (Binance lists it before any trade).
                state.candles.record(symbol: symbol, price: current.close, time: time)
            }
            return closed
        }
        let eventTime = now()
        for (symbol, timeframe, candle) in closed {
            guard let spec = specs[symbol] else { continue }
            streams.publish(MarketEvents.kline(symbol: symbol, interval: timeframe.name, candle: candle, closed: true, spec: spec, time: eventTime),
                            stream: "\(symbol.lowercased())@kline_\(timeframe.name)")
        }
    }
}
