import AlphaCore
import Foundation
import Synchronization

/// Moves the market: every tick each symbol's price takes a step of the seeded price process,
/// resting orders that the new price reaches fill, and the mark price and 1m kline streams are
/// pushed. Market time runs `speed` times faster than the wall clock, so with speed 2880 the 8-hour
/// funding interval passes every 10 seconds. Timestamps on the API stay real (clients sign with
/// real time).
public final class SimMarketDriver: Sendable {
    public struct Settings: Sendable {
        public var seed: UInt64 = 1
        public var speed: Double = 1
        public var volatility: Double = 0.8
        public var drift: Double = 0
        public var tickMilliseconds = 250
        public var fundingRate = Amount("0.0001")!
        public init() {}
    }

    private let service: SimService
    private let settings: Settings
    private let processes: Mutex<[String: SimPriceProcess]>
    private let marketSeconds = Mutex<Double>(0)
    private let running = Atomic<Bool>(false)
    private let finished = Mutex<DispatchSemaphore?>(nil)
    static let fundingInterval: Double = 8 * 3600

    public init(service: SimService, settings: Settings) {
        self.service = service
        self.settings = settings
        let symbols = service.withExchange { $0.symbols.keys.sorted() }
        processes = Mutex(Dictionary(uniqueKeysWithValues: symbols.enumerated().map { index, name in
            (name, SimPriceProcess(seed: settings.seed &+ UInt64(index) &* 0x9E37_79B9, drift: settings.drift, volatility: settings.volatility))
        }))
    }

    /// One step of `realMilliseconds` of wall time: prices, fills, streams, funding when due.
    public func step(realMilliseconds: Int) {
        let elapsed = Double(realMilliseconds) / 1000 * settings.speed
        let (before, after) = marketSeconds.withLock { seconds -> (Double, Double) in
            defer { seconds += elapsed }
            return (seconds, seconds + elapsed)
        }
        let specs = service.withExchange { $0.symbols }
        for name in specs.keys.sorted() {
            guard let spec = specs[name], let current = service.withExchange({ $0.prices[name] }) else { continue }
            let next = processes.withLock { $0[name]!.next(from: current, elapsedSeconds: elapsed, tick: spec.tickSize) }
            service.setPrice(next, for: name)
            service.publishMarket(symbol: name, spec: spec, fundingRate: settings.fundingRate,
                                  nextFunding: service.now() + Int64((Self.fundingInterval - after.truncatingRemainder(dividingBy: Self.fundingInterval)) / settings.speed * 1000))
        }
        if Int(before / Self.fundingInterval) != Int(after / Self.fundingInterval) { service.fund(rate: settings.fundingRate) }
        service.expireListenKeyIfDue()
        service.streams.maintain(now: service.now())
    }

    /// Steps on a thread until `stop()`.
    public func start() {
        guard !running.exchange(true, ordering: .relaxed) else { return }
        let done = DispatchSemaphore(value: 0)
        finished.withLock { $0 = done }
        let thread = Thread { [self] in
            while running.load(ordering: .relaxed) {
                usleep(UInt32(settings.tickMilliseconds) * 1000)
                step(realMilliseconds: settings.tickMilliseconds)
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
    /// Pushes the mark price (both the 3 s and the 1 s stream names) and the current 1m kline.
    func publishMarket(symbol: String, spec: SimSymbol, fundingRate: Amount, nextFunding: Int64) {
        let time = now()
        let (price, candle) = state.withLock { state in
            (state.exchange.prices[symbol] ?? .zero,
             state.candles.klines(symbol: symbol, interval: SimCandleBook.minute, startTime: nil, endTime: nil, limit: 1).last)
        }
        let lower = symbol.lowercased()
        let mark = MarketEvents.markPrice(symbol: symbol, price: price, fundingRate: fundingRate, nextFunding: nextFunding, time: time)
        streams.publish(mark, stream: "\(lower)@markPrice")
        streams.publish(mark, stream: "\(lower)@markPrice@1s")
        if let candle {
            streams.publish(MarketEvents.kline(symbol: symbol, interval: "1m", candle: candle, closed: false, spec: spec, time: time),
                            stream: "\(lower)@kline_1m")
        }
    }
}
