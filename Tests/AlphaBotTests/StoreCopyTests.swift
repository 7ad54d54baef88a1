import AlphaCore
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// Moving up (issue 19): `alphaengine db copy` moves an account's whole history from its SQLite
/// file into PostgreSQL and back, `db verify` passes on each copy, and the bot resumes trading on
/// the new store where it left off.
@Suite("db copy: SQLite → PostgreSQL → SQLite, and the bot trades on", .serialized)
struct StoreCopyTests {
    func alphaengine(_ arguments: [String], _ world: BotWorld) throws -> (status: Int32, output: String) {
        try runProgram(BuiltExecutable.url("alphaengine"), arguments + ["--data-dir", world.directory], environment: ["PATH": "/usr/bin:/bin"])
    }

    /// Trades once on the world's current store and returns the last seq after it.
    func trade(_ world: BotWorld, _ side: String, _ quantity: String) throws -> Int64 {
        try world.startBot()
        let order = try #require(world.settled(try world.order(side, quantity: quantity)))
        #expect(order.status == .acknowledged, "\(order.lastError ?? "") \(world.log.suffix(2000))")
        #expect(eventually(within: 15) { world.moneyAgrees() }, "\(world.moneyReport())")
        #expect(world.stopBot() == 0)
        return try world.events.lastSeq()
    }

    @Test("a history copied to PostgreSQL verifies there, the bot resumes on it at the next seq; copied back to a file, the same")
    func copyThereAndBack() throws {
        let world = try BotWorld(store: .sqlite)
        let onSQLite = try trade(world, "BUY", "0.006")
        let url = try ScratchPostgres.shared.database()

        let there = try alphaengine(["db", "copy", "--to", url], world)
        #expect(there.status == 0, "\(there.output)")
        #expect(there.output.contains("every table equal"), "\(there.output)")
        let verified = try alphaengine(["db", "verify", "--store", url, "--against", world.sqlitePath], world)
        #expect(verified.status == 0 && verified.output.contains("ok:"), "\(verified.output)")
        // A second copy into the same database is refused: a copy never merges.
        let again = try alphaengine(["db", "copy", "--to", url], world)
        #expect(again.status != 0 && again.output.contains("already holds"), "\(again.output)")

        try world.moveStore(to: url)
        let firstOnPostgres = onSQLite + 1
        let onPostgres = try trade(world, "SELL", "0.002")
        #expect(try world.events.event(seq: firstOnPostgres) != nil && onPostgres > onSQLite)
        #expect(world.storedTradeIDs() == world.ledgerTradeIDs())

        // Back: into a new file, which then takes the data directory's place.
        let back = world.directory + "/back.db"
        let returned = try alphaengine(["db", "copy", "--from", url, "--to", back], world)
        #expect(returned.status == 0, "\(returned.output)")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: world.sqlitePath + suffix) }
        try FileManager.default.moveItem(atPath: back, toPath: world.sqlitePath)
        let verifiedBack = try alphaengine(["db", "verify", "--against", url], world)
        #expect(verifiedBack.status == 0, "\(verifiedBack.output)")

        try world.moveStore(to: nil)
        let onSQLiteAgain = try trade(world, "SELL", "0.004")
        #expect(onSQLiteAgain > onPostgres)
        #expect(world.storedTradeIDs() == world.ledgerTradeIDs() && world.moneyAgrees(), "\(world.moneyReport())")
        #expect(try DatabaseMaintenance.verify(world.database).isSound)
    }
}
