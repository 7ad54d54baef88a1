import AlphaCore
import Foundation
import Testing
@testable import AlphaStore

/// Bot and web are separate processes on one SQLite file (rule 9). These tests use real
/// processes, not threads: file locks between processes are what WAL and BEGIN IMMEDIATE are for.
@Suite(.serialized) struct MultiProcessTests {
    @Test func concurrentWriterAndInserterLoseAndDuplicateNothing() throws {
        let file = try TestDatabase(.sqlite)
        _ = try file.open() // migrate before both start
        let writer = try Probe(["writer", file.path, "4", "101"])
        let inserter = try Probe(["inserter", file.path, "4", "202"])
        let inserted = inserter.finish()
        let written = writer.finish()
        #expect(inserted.status == 0, "inserter: \(inserted.errors)")
        #expect(written.status == 0, "writer: \(written.errors)")

        let insertedIDs = inserted.lines.filter { $0.hasPrefix("inserted ") }.map { String($0.dropFirst(9)) }
        let claimedIDs = written.lines.filter { $0.hasPrefix("claimed ") }.map { String($0.dropFirst(8)) }
        let appended = Int(written.lines.first { $0.hasPrefix("appended ") }!.dropFirst(9))!
        #expect(insertedIDs.count > 100, "the run must exercise contention")
        #expect(claimedIDs.count == Set(claimedIDs).count, "a command was claimed twice")
        #expect(Set(claimedIDs) == Set(insertedIDs), "every command claimed exactly once")

        let database = try file.open()
        let commands = CommandStore(database: database)
        #expect(try commands.countsByStatus() == [.acknowledged: Int64(insertedIDs.count)])
        let events = EventStore(database: database)
        #expect(try events.count() == Int64(appended))
        #expect(try events.lastSeq() == Int64(appended), "seqs are contiguous")
        #expect(try ProjectionStore(database: database).load() == (try EventWriter.replay(events).state))
    }

    @Test(arguments: [0.3, 0.8, 1.5])
    func killedMidAppendLeavesEventsAndProjectionsConsistent(after seconds: Double) throws {
        let file = try TestDatabase(.sqlite)
        _ = try file.open()
        let appender = try Probe(["appender", file.path, String(Int(seconds * 1000))])
        Thread.sleep(forTimeInterval: seconds)
        kill(appender.process.processIdentifier, SIGKILL)
        let result = appender.finish()
        #expect(appender.process.terminationReason == .uncaughtSignal)
        let lastReported = result.lines.compactMap { $0.hasPrefix("committed ") ? Int64($0.dropFirst(10)) : nil }.max() ?? 0
        #expect(lastReported > 0, "the appender committed nothing before the kill: \(result.errors)")

        let database = try file.open()
        let events = EventStore(database: database)
        let projections = ProjectionStore(database: database)
        let lastSeq = try events.lastSeq()
        #expect(lastSeq >= lastReported, "a reported commit was lost")
        #expect(try projections.checkpoint() == lastSeq, "checkpoint is not the last applied seq")
        #expect(try projections.load() == (try EventWriter.replay(events).state))
        // And the bot can carry on from there.
        let writer = try EventWriter(database: database)
        #expect(writer.state.lastSeq == lastSeq)
    }
}
