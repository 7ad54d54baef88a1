import AlphaCore
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// `alphaengine db backup` and `db verify` (issue 17) against the running demo: the backup is
/// taken while orders flow through the web and the bot.
@Suite("alphaengine db backup and db verify", .serialized)
struct BackupTests {
    static func alphaengine(_ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
        try runProgram(BuiltExecutable.url("alphaengine"), arguments, input: input)
    }

    final class Flag: @unchecked Sendable {  // the lock guards `value`
        private let lock = NSLock()
        private var value = false
        var isSet: Bool { lock.withLock { value } }
        func set() { lock.withLock { value = true } }
    }

    @Test("a backup taken while the bot trades and the web serves is whole and checked: db verify accepts it, it holds every event up to its point exactly as the live store does, and restored into a data directory it verifies there too")
    func backupWhileTrading() throws {
        let session = try DemoSession("backup")
        let (directory, port, token) = (session.directory, session.port, session.token)

        // Orders keep flowing through the web and the bot while the backup is taken.
        let done = Flag()
        let trading = Thread {
            for index in 0..<24 {
                let side = index % 2 == 0 ? "BUY" : "SELL"
                _ = try? DemoTests.call(port, "POST", "/api/commands", token: token,
                                        body: #"{"type":"PlaceOrder","payload":{"symbol":"BTCUSDT","side":"\#(side)","type":"MARKET","quantity":"0.010"}}"#)
                usleep(120_000)
            }
            done.set()
        }
        trading.start()
        usleep(800_000)
        let backup = directory + "/backup.db"
        let taken = try Self.alphaengine(["db", "backup", backup, "--data-dir", directory])
        #expect(taken.status == 0 && taken.output.contains("checked"), "\(taken.output)")
        #expect(try Self.alphaengine(["db", "backup", backup, "--data-dir", directory]).status != 0, "an existing file is never overwritten")
        #expect(eventually(within: 30) { done.isSet })

        let verified = try Self.alphaengine(["db", "verify", "--file", backup])
        #expect(verified.status == 0 && verified.output.hasPrefix("ok: "), "\(verified.output)")

        // Every event up to the backup's point, as the live store has it.
        let copy = EventStore(database: try Database(path: backup, memory: .lean))
        let live = EventStore(database: try Database(path: directory + "/alphaengine-sim.db", memory: .lean))
        let point = try copy.lastSeq()
        let fingerprint = { (event: Event) in "\(event.seq ?? 0) \(event.id) \(event.type.rawValue) \(event.dedupKey) \(event.payload.serialized)" }
        let backedUp = try copy.events(after: 0, limit: 1_000_000).map(fingerprint)
        let original = try live.events(after: 0, limit: 1_000_000).filter { ($0.seq ?? 0) <= point }.map(fingerprint)
        #expect(point > 0 && backedUp.count == Int(point) && backedUp == original, "\(backedUp.count) events in the backup, \(original.count) live up to \(point)")
        #expect(try copy.events(matching: EventFilter(types: [.tradeExecuted]), limit: 1000).count >= 1, "taken while trading")

        // Restored: the backup as a mode's database in a data directory of its own.
        let restored = directory + "/restored"
        try FileManager.default.createDirectory(atPath: restored, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: backup, toPath: restored + "/alphaengine-sim.db")
        let check = try Self.alphaengine(["db", "verify", "--data-dir", restored])
        #expect(check.status == 0 && check.output.contains("up to seq \(point)"), "\(check.output)")
        // And a damaged file is refused with what is wrong.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: backup))
        bytes.replaceSubrange(bytes.count / 2..<(bytes.count / 2 + 4096), with: Data(repeating: 0x5A, count: 4096))
        try bytes.write(to: URL(fileURLWithPath: directory + "/damaged.db"))
        let damaged = try Self.alphaengine(["db", "verify", "--file", directory + "/damaged.db"])
        #expect(damaged.status != 0 && damaged.output.contains("not a sound AlphaEngine database"), "\(damaged.output)")
    }
}
