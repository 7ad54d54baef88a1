import AlphaCore
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// The real `alphaengine bot` process against a simulator on a real port; commands go in
/// through the shared SQLite file, as the web process inserts them.
@Suite("alphaengine bot as a process")
struct BotProcessTests {
    @Test("commands inserted by another process are executed once; SIGTERM stops cleanly; a restart resumes with nothing doubled", arguments: StoreKind.allCases)
    func commandsAcrossRestart(kind: StoreKind) throws {
        let world = try BotWorld(store: kind)
        try world.startBot()
        let first = try world.order("BUY")
        #expect(world.settled(first)?.status == .acknowledged)
        #expect(eventually(within: 10) { world.count(.tradeExecuted) == 1 })
        #expect(world.stopBot() == 0)

        let second = try world.order("SELL")  // inserted while the bot is down
        try world.startBot()
        #expect(world.settled(second)?.status == .acknowledged)
        #expect(eventually(within: 10) { world.count(.tradeExecuted) == 2 })
        #expect(world.stopBot(SIGINT) == 0)

        // Each run recorded its start and its clean stop, and the stream's connection.
        #expect(world.count(.engineStarted) == 2 && world.count(.engineStopped) == 2)
        #expect(world.count(.webSocketConnected, .webSocketReconnected) >= 2)
        // Every order on the exchange maps to exactly one command; every trade was stored once.
        let orders = world.sim.withExchange { Array($0.orders.values) }
        #expect(orders.map(\.clientOrderId).sorted() == [try first.clientOrderID.value, try second.clientOrderID.value].sorted())
        #expect(world.storedTradeIDs() == world.ledgerTradeIDs())
        #expect(world.sim.withExchange { $0.ledger.position("BTCUSDT").amount.isZero })
    }

    @Test("a dropped stream is recorded as WebSocketDisconnected, then WebSocketReconnected", arguments: StoreKind.allCases)
    func streamStateEvents(kind: StoreKind) throws {
        let world = try BotWorld(store: kind)
        try world.startBot()
        #expect(eventually(within: 10) { world.count(.webSocketConnected) == 1 })
        try world.control("streams/drop")
        #expect(eventually(within: 10) { world.count(.webSocketDisconnected) == 1 && world.count(.webSocketReconnected) == 1 })
        #expect(world.stopBot() == 0)
    }
}
