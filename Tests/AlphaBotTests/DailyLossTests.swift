import AlphaBot
import AlphaCore
import AlphaStore
import Foundation
import Testing

/// The daily loss limit on the kernel's manual clock, so the UTC day boundary is crossed on purpose.
@Suite("Daily loss limit: the strategy stops until the next UTC day, unless an admin resumes it")
struct DailyLossTests {
    /// A kernel running sma_cross with a 0.5 % daily loss limit and a fill that lost 100 USDT
    /// today, leaving a 10 000 USDT wallet: 100 of the 10 100 the day began with.
    static func losingDay() throws -> KernelWorld {
        let world = try KernelWorld()
        let store = ConfigStore(database: world.database)
        var config = try store.runtime().value
        config.strategyName = "sma_cross"
        config.strategyTimeframe = "1m"
        config.dailyLossLimit = Amount("0.005")!
        try store.updateRuntime(config, expectedVersion: 0, by: "test")
        try world.runner.boot()
        let now = world.clock.now.millisecondsSinceEpoch
        let scope = Scope(on: .binanceUSDM, mode: .sim)
        let balance = BalancePayload(asset: "USDT", walletBalance: Amount("10000")!, crossWalletBalance: Amount("10000")!, time: now)
        let trade = TradePayload(symbol: "BTCUSDT", tradeID: "1", orderID: "1", clientOrderID: nil, side: .sell, price: Amount("50000")!,
                                 quantity: Amount("0.1")!, realizedPnl: Amount("-100")!, maker: false, time: now)
        world.venue.stream.emit(.facts([
            Event(type: .balanceChanged, source: .webSocket, entityKind: .balance, entityID: "USDT", scope: scope,
                  dedupKey: DedupKey.balance(asset: "USDT", updateTime: now, walletBalance: balance.walletBalance), payload: balance.json),
            Event(type: .tradeExecuted, source: .webSocket, entityKind: .trade, entityID: "BTCUSDT:1", scope: scope,
                  dedupKey: DedupKey.trade(symbol: "BTCUSDT", tradeID: "1"), payload: trade.json),
        ]))
        for _ in 0..<3 { try world.runner.kernel.turn() }
        return world
    }

    static func millisecondsToMidnight(_ clock: ManualClock) -> Int64 {
        86_400_000 - clock.now.millisecondsSinceEpoch % 86_400_000
    }

    @Test("Past the limit the engine is PAUSED with the rule and figures; at 00:00 UTC it resumes by itself")
    func pausesUntilNextDay() throws {
        let world = try Self.losingDay()
        let state = world.runner.writer.state.status
        #expect(state.engineState == .paused && state.engineReason?.contains("daily loss limit reached") == true)
        let refusal = try #require(try EventStore(database: world.database).events(matching: EventFilter(types: [.riskGuardRejected])).first)
        let payload = try RiskGuardRejectedPayload(json: refusal.payload)
        #expect(payload.rule == "DAILY_LOSS_LIMIT" && payload.measured == Amount("0.009901")! && payload.limit == Amount("0.005")!)
        // Still paused a second before midnight, running a moment after.
        world.clock.advance(milliseconds: Self.millisecondsToMidnight(world.clock) - 1_000)
        try world.runner.kernel.turn()
        #expect(world.runner.writer.state.status.engineState == .paused)
        world.clock.advance(milliseconds: 1_001)
        try world.runner.kernel.turn()
        #expect(world.runner.writer.state.status.engineState == .running)
        #expect(world.runner.writer.state.status.engineReason?.contains("new UTC day") == true)
        // The new day has lost nothing: it stays running.
        for _ in 0..<3 { try world.runner.kernel.turn() }
        #expect(world.runner.writer.state.status.engineState == .running)
    }

    @Test("An admin who resumes the engine keeps it running for the rest of the day, and a restart remembers it")
    func adminOverride() throws {
        let world = try Self.losingDay()
        #expect(world.runner.writer.state.status.engineState == .paused)
        let resume = try world.command(.resumeEngine, ["reason": "I accept today's loss"])
        for _ in 0..<20 {
            try world.runner.kernel.turn()
            world.clock.advance(milliseconds: 100)
        }
        #expect(try world.commands.command(id: resume.id)?.status == .acknowledged)
        #expect(world.runner.writer.state.status.engineState == .running)
        world.clock.advance(milliseconds: 60_000)
        for _ in 0..<5 { try world.runner.kernel.turn() }
        #expect(world.runner.writer.state.status.engineState == .running)
        // A restart on the same day: the override is read back from the events.
        try world.runner.kernel.stop()
        let again = try BotRunner(venue: world.venue, storage: SQLiteStorage(world.database), mode: .sim, clock: world.clock)
        try again.boot()
        for _ in 0..<5 { try again.kernel.turn() }
        #expect(again.writer.state.status.engineState == .running)
    }
}
