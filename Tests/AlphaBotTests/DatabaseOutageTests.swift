import AlphaCore
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// Losing PostgreSQL for a while (issue 19): the bot sends nothing new while it cannot write,
/// waits for the database with backoff, and carries on when it is back; what the exchange did
/// meanwhile is stored once, and no order is sent twice.
@Suite("The bot on PostgreSQL through a database outage", .serialized)
struct DatabaseOutageTests {
    @Test("PostgreSQL stopped for a few seconds while the bot runs and the position moves: the bot waits it out, a fill made meanwhile is stored once, and the next command is executed once")
    func survivesARestart() throws {
        let cluster = try ScratchPostgres()
        let world = try BotWorld(store: .postgresql, cluster: cluster)
        try world.startBot()
        #expect(eventually(within: 15) { world.count(.reconciliationPerformed) >= 1 }, "\(world.log.suffix(2000))")
        let first = try #require(world.settled(try world.order("BUY", quantity: "0.002")))
        #expect(first.status == .acknowledged)

        cluster.stop()
        // Meanwhile the exchange fills an order the bot did not place: what it learns must not be lost.
        _ = try world.outsideOrder("SELL", quantity: "0.001")
        sleep(3)
        #expect(world.botIsRunning, "the bot must wait for the database, not exit (\(world.process.ending)): \(world.log.suffix(2000))")
        try cluster.restart()

        // The test's own connection learns of the restart on its next statement, as the web's would.
        var inserted: Command?
        _ = eventually(within: 10) { inserted = try? world.order("BUY", quantity: "0.003"); return inserted != nil }
        let command = try #require(inserted, "the command could not be inserted after the restart")
        let second = try #require(world.settled(command, within: 40), "\(world.log.suffix(3000))")
        #expect(second.status == .acknowledged, "\(second.lastError ?? "")")
        let ids = (try first.clientOrderID.value, try second.clientOrderID.value)
        #expect(world.exchangeOrders(ids.0) == 1 && world.exchangeOrders(ids.1) == 1)
        #expect(eventually(within: 15) { world.storedTradeIDs() == world.ledgerTradeIDs() && world.moneyAgrees() }, "\(world.moneyReport())")
        #expect(world.log.contains("database"), "the outage is logged")
        #expect(world.stopBot() == 0)
    }
}
