import AlphaCore
import AlphaSystem
import Foundation
import Synchronization

/// Moves the Upbit simulator's market for demos: every tick, market time advances `speed` times
/// the wall time that passed (in steps of at most 15 market seconds), and each market's price
/// takes a step of its seeded price process, on Upbit's price unit. With speed 60 an hour of
/// candles passes every minute, so a day-long strategy such as volatility_breakout trades
/// within half an hour of a demo. Order and request times stay real.
public final class UpbitMarketDriver: Sendable {
    private let service: UpbitSimService
    private let speed: Double
    private let processes: Mutex<[String: SimPriceProcess]>
    private let thread = BackgroundThread(name: "alphasim-upbit-market")
    static let step: Int64 = 15_000

    public init(service: UpbitSimService, speed: Double, seed: UInt64 = 1, volatility: Double = 0.8) {
        self.service = service
        self.speed = speed
        let markets = service.withExchange { $0.prices.keys.sorted() }
        processes = Mutex(Dictionary(uniqueKeysWithValues: markets.enumerated().map { index, market in
            (market, SimPriceProcess(seed: seed &+ UInt64(index) &* 0x9E37_79B9, volatility: volatility))
        }))
    }

    /// One step of `marketMilliseconds`: the clock moves, then every price.
    public func advance(marketMilliseconds: Int64) {
        var left = marketMilliseconds
        while left > 0 {
            let step = min(left, Self.step)
            // The clock moves by what the wall clock did not already move.
            service.advanceMarket(milliseconds: step - Int64((Double(step) / speed).rounded()))
            for (market, price) in service.withExchange({ $0.prices }).sorted(by: { $0.key < $1.key }) {
                let next = processes.withLock { $0[market]!.next(from: price, elapsedSeconds: Double(step) / 1000, tick: UpbitKRWMarket.priceUnit(at: price)) }
                service.setPrice(next, market: market)
            }
            left -= step
        }
    }

    /// Ticks every 250 ms on a thread of its own until `stop()`.
    public func start() {
        thread.start { [self] in
            var last = MonotonicClock.milliseconds()
            while thread.isRunning {
                usleep(250_000)
                let now = MonotonicClock.milliseconds()
                advance(marketMilliseconds: Int64((Double(now - last) * speed).rounded()))
                last = now
            }
        }
    }

    public func stop() { thread.stop() }
}
