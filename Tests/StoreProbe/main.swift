// A second process for the store's multi-process and crash tests (Tests/AlphaStoreTests).
//
//   alphaengine-store-probe writer   DB SECONDS SEED   append events, claim and ACK commands
//   alphaengine-store-probe inserter DB SECONDS SEED   insert commands, tail events
//   alphaengine-store-probe appender DB SEED           append batches until killed
//
// Results go to standard output as `key value` lines; any store error exits with status 1 and the
// error on standard error, so a SQLITE_BUSY reaching a caller fails the test.
import AlphaCore
import AlphaStore
import AlphaTestSupport
import Foundation

func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func fail(_ error: any Error) -> Never {
    FileHandle.standardError.write(Data("probe error: \(error)\n".utf8))
    exit(1)
}

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
    FileHandle.standardError.write(Data("usage: alphaengine-store-probe writer|inserter|appender DB ...\n".utf8))
    exit(2)
}
let path = arguments[2]

do {
    let database = try Database.openMigrated(path: path)
    switch arguments[1] {
    case "writer":
        let deadline = Date().addingTimeInterval(Double(arguments[3])!)
        var factory = EventFactory(seed: UInt64(arguments[4])!)
        let writer = try EventWriter(database: database)
        let commands = CommandStore(database: database)
        var appended = 0, duplicates = 0
        var idleSince: Date?
        // Work until the deadline, then keep claiming until no command has arrived for a second
        // (the inserter stops at the same deadline).
        while true {
            if Date() < deadline {
                let batch = factory.sequence(count: Int.random(in: 1...20, using: &factory.generator))
                for outcome in try writer.append(batch) {
                    if outcome.isDuplicate { duplicates += 1 } else { appended += 1 }
                }
            }
            if let command = try commands.claimNext() {
                try commands.acknowledge(command.id, result: ["by": "probe"])
                emit("claimed \(command.id)")
                idleSince = nil
            } else if Date() >= deadline {
                if let since = idleSince, Date().timeIntervalSince(since) > 1 { break }
                if idleSince == nil { idleSince = Date() }
                usleep(5_000)
            }
        }
        emit("appended \(appended)")
        emit("duplicates \(duplicates)")

    case "inserter":
        let deadline = Date().addingTimeInterval(Double(arguments[3])!)
        var generator = SeededGenerator(seed: UInt64(arguments[4])!)
        let commands = CommandStore(database: database)
        let events = EventStore(database: database)
        var keys: [String] = []
        var lastSeq: Int64 = 0
        var eventsSeen = 0
        while Date() < deadline {
            if !keys.isEmpty, Int.random(in: 0..<5, using: &generator) == 0 {
                // A retry with a used key must return the first command, never add one.
                let key = keys.randomElement(using: &generator)!
                let outcome = try commands.insert(Command(type: .pauseEngine, actor: Actor(kind: .user, id: "probe"),
                                                          scope: Scope(on: .binanceUSDM, mode: .sim), idempotencyKey: key))
                guard case .existing = outcome else { fail(StoreError.invalidCommand("repeat key \(key) inserted twice")) }
            } else {
                let key = "probe-" + Identifier.random()
                let kind: Actor.Kind = Bool.random(using: &generator) ? .user : .strategy
                let outcome = try commands.insert(Command(type: .placeOrder, actor: Actor(kind: kind, id: "probe"),
                                                          scope: Scope(on: .binanceUSDM, mode: .sim), idempotencyKey: key))
                guard case .inserted(let command) = outcome else { fail(StoreError.invalidCommand("new key \(key) not inserted")) }
                keys.append(key)
                emit("inserted \(command.id)")
            }
            // Tail the event log: seqs must arrive contiguous and in order.
            for event in try events.events(after: lastSeq, limit: 500) {
                guard event.seq == lastSeq + 1 else {
                    fail(StoreError.corruptRow(table: "event_store", reason: "gap: \(lastSeq) then \(event.seq ?? -1)"))
                }
                lastSeq = event.seq!
                eventsSeen += 1
            }
        }
        emit("eventsSeen \(eventsSeen)")

    case "appender":
        var factory = EventFactory(seed: UInt64(arguments[3])!)
        let writer = try EventWriter(database: database)
        while true {
            let outcomes = try writer.append(factory.sequence(count: Int.random(in: 1...50, using: &factory.generator)))
            emit("committed \(outcomes.map(\.seq).max() ?? 0)")
        }

    default:
        FileHandle.standardError.write(Data("unknown mode \(arguments[1])\n".utf8))
        exit(2)
    }
} catch {
    fail(error)
}
