import AlphaCore
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// The strategy runner and the risk guard in the real `alphaengine bot` process, against the
/// simulator, on candles the test scripts and closes one at a time.
@Suite("Strategies in the bot process: scripted candles in, exactly the expected orders out", .serialized)
struct StrategyProcessTests {
    /// sma_cross 2/3 on one-minute candles, 0.01 BTC with a 2 % stop.
    static func smaCross(_ config: inout RuntimeConfig) {
        config.strategyName = "sma_cross"
        config.strategyTimeframe = "1m"
        config.strategyParams = ["fast": 2, "slow": 3, "quantity": "0.01", "stop_pct": "0.02"]
    }

    static let falling = ["49900", "49800", "49700", "49600", "49500"]

    @Test("sma_cross: one entry at the golden cross with its stop on the exchange, one exit at the death cross, nothing else; each candle evaluated once")
    func smaCrossEntriesAndExits() throws {
        let world = try StrategyWorld()
        try world.configure(Self.smaCross)
        try world.path(Self.falling + ["49700", "49900", "50100", "50300", "50100", "49800", "49500", "49200"])
        for _ in 0..<6 { world.closeCandle() }  // the falling part closes before the bot starts
        try world.startBot()
        #expect(world.decisions().isEmpty, "the boot candle is mid-fall: no cross")
        for _ in 0..<9 { #expect(world.next(), "a candle was not evaluated: \(world.world.log.suffix(3000))") }

        let decisions = world.decisions()
        #expect(decisions.map { $0.details["target"] } == [.string("0.01"), .string("0")], "\(decisions)")
        #expect(decisions.first?.details["stopLoss"] == .string("48902"))  // 2 % under the cross's close, 49 900
        #expect(world.exchangeOrders() == [
            "BUY MARKET 0.01 FILLED", "SELL STOP_MARKET 0.01 @48902 reduceOnly CANCELED", "SELL MARKET 0.01 reduceOnly FILLED",
        ], "\(world.exchangeOrders())")
        #expect(world.position.isZero)
        // Every candle once, in order, with no gaps; the commands were the strategy's, at its priority.
        let times = world.evaluations().map(\.candleOpenTime)
        #expect(times == times.sorted() && Set(times).count == times.count && zip(times, times.dropFirst()).allSatisfy { $1 - $0 == 60_000 })
        let commands = try world.world.commands.list(status: nil, type: .placeOrder, limit: 100)
        #expect(commands.count == 3 && commands.allSatisfy { $0.actor.kind == .strategy && $0.priority == Priority.strategy })
        #expect(world.world.moneyAgrees(), "\(world.world.moneyReport())")
        #expect(world.world.stopBot() == 0)
    }
}
