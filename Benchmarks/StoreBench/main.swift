// `make bench`: the event store's throughput on this machine. Figures, never assertions.
//
//   alphaengine-bench [EVENTS]   (default 1 000 000)
//
// Prints events/s for single appends (one transaction each), batched appends (1 000 per
// transaction), both with projections advanced in the same transaction, and for a full rebuild,
// as medians over repeated runs, with the ratio to the issue's targets.
import AlphaCore
import AlphaStore
import AlphaTestSupport
import Foundation

let totalEvents = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 1_000_000
let batchSize = 1_000
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alphaengine-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func rate(_ count: Int, _ elapsed: Double) -> String { String(format: "%9.0f events/s", Double(count) / elapsed) }

print("AlphaEngine event store benchmark — \(totalEvents) events, SQLite \(String(cString: sqlite3VersionString()))")
print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; database in \(directory.path)\n")

// 1. Single appends: one event per transaction (a WebSocket fill arriving alone).
var sqliteSingle = 0.0
do {
    let writer = try EventWriter(database: try Database.openMigrated(path: directory.appendingPathComponent("single.db").path))
    var factory = EventFactory(seed: 1)
    var runs: [Double] = []
    for _ in 0..<5 {
        let events = (0..<2_000).map { _ in factory.next() }
        runs.append(try seconds { for event in events { try writer.append(event) } } / Double(events.count))
    }
    print("single append + projection (1 event/txn):  \(rate(1, median(runs)))   median of 5 runs × 2 000")
    sqliteSingle = 1 / median(runs)
}

// 2. Batched appends: 1 000 events per transaction, up to the full count; generation is untimed.
let mainPath = directory.appendingPathComponent("main.db").path
var batchedRates: [Double] = []
do {
    let writer = try EventWriter(database: try Database.openMigrated(path: mainPath))
    var factory = EventFactory(seed: 2)
    var appended = 0
    var chunkTime = 0.0, chunkCount = 0
    while appended < totalEvents {
        let batch = (0..<batchSize).map { _ in factory.next() } // new facts only: every one is written
        chunkTime += try seconds { try writer.append(batch) }
        appended += batch.count
        chunkCount += batch.count
        if chunkCount >= 100_000 || appended >= totalEvents {
            batchedRates.append(Double(chunkCount) / chunkTime)
            chunkTime = 0
            chunkCount = 0
        }
    }
    let stored = try writer.events.count()
    let fileSize = (try? FileManager.default.attributesOfItem(atPath: mainPath)[.size] as? Int) ?? 0
    print(String(format: "batched append + projection (1 000/txn):  %9.0f events/s   median of %d chunks of ≤100 000 (min %.0f, max %.0f); %lld events, %.0f MB",
                 median(batchedRates), batchedRates.count, batchedRates.min()!, batchedRates.max()!, stored,
                 Double(fileSize) / 1e6))
}

// 3. Rebuild: drop all projections and replay every event, in one transaction.
var rebuildRates: [Double] = []
var replayRates: [Double] = []
do {
    let writer = try EventWriter(database: try Database.openMigrated(path: mainPath))
    let before = writer.state
    for _ in 0..<3 {
        var count: Int64 = 0
        let elapsed = try seconds { count = try writer.rebuildProjections() }
        rebuildRates.append(Double(count) / elapsed)
    }
    precondition(writer.state == before, "rebuild changed the projections")
    for _ in 0..<3 {
        var count: Int64 = 0
        let elapsed = try seconds { count = try EventWriter.replay(writer.events).count }
        replayRates.append(Double(count) / elapsed)
    }
    print(String(format: "rebuild projections (drop + replay + write): %9.0f events/s   median of 3", median(rebuildRates)))
    print(String(format: "replay only (read + decode + reduce):       %9.0f events/s   median of 3", median(replayRates)))
}

// 4. The same appends on PostgreSQL (issue 19): a cluster of the benchmark's own on loopback,
// durable as a server runs it (fsync on; commits not waiting for their flush, as SQLite's WAL
// with synchronous=NORMAL), against the SQLite figures above.
var postgresBatched: [Double] = []
var postgresSingle = 0.0
if ProcessInfo.processInfo.environment["SKIP_POSTGRES"] == nil {
    let cluster = try ScratchPostgres(settings: ScratchPostgres.durable)
    let url = try cluster.database()
    let writer = try EventWriter(database: (try PostgresBackend(url: url).open() as! PostgresStorage).connection)
    var factory = EventFactory(seed: 1)
    var runs: [Double] = []
    for _ in 0..<5 {
        let events = (0..<2_000).map { _ in factory.next() }
        runs.append(try seconds { for event in events { try writer.append(event) } } / Double(events.count))
    }
    postgresSingle = 1 / median(runs)
    print("\nPostgreSQL \(cluster.settings.joined(separator: " ")), loopback:")
    print("single append + projection (1 event/txn):  \(rate(1, median(runs)))   median of 5 runs × 2 000")
    let postgresCount = min(totalEvents, 200_000)
    var appended = 0
    while appended < postgresCount {
        let chunk = (0..<20).map { _ in (0..<batchSize).map { _ in factory.next() } }
        let elapsed = try seconds { for batch in chunk { try writer.append(batch) } }
        postgresBatched.append(Double(chunk.count * batchSize) / elapsed)
        appended += chunk.count * batchSize
    }
    print(String(format: "batched append + projection (1 000/txn):  %9.0f events/s   median of %d chunks of 20 000",
                 median(postgresBatched), postgresBatched.count))

    // 5. db copy of the whole SQLite store into PostgreSQL and back, each checked.
    let copyURL = try cluster.database()
    let source = try Database.openMigrated(path: mainPath)
    let target = (try PostgresBackend(url: copyURL).open() as! PostgresStorage).connection
    var report = StoreCopy.Report()
    let there = try seconds { report = try StoreCopy.copy(from: source, to: target) }
    var sound = false
    let check = try seconds { sound = try DatabaseMaintenance.verify(target).isSound }
    let backPath = directory.appendingPathComponent("back.db").path
    let back = try Database.openMigrated(path: backPath)
    let returned = try seconds { _ = try StoreCopy.copy(from: target, to: back) }
    let equal = try StoreCopy.digest(back).elementsEqual(try StoreCopy.digest(source)) { $0.rows == $1.rows && $0.hash == $1.hash }
    print(String(format: "db copy SQLite → PostgreSQL: %lld events in %.1f s (%.0f events/s); verify %.1f s (%@); back to SQLite %.1f s; every table equal: %@",
                 report.events, there, Double(report.events) / there, check, sound ? "sound" : "NOT SOUND", returned, equal ? "yes" : "NO"))
}

print(String(format: "\ntargets: batched ≥ 100 000 events/s → %.2f× ; rebuild ≥ 500 000 events/s → %.2f×",
             median(batchedRates) / 100_000, median(rebuildRates) / 500_000))
if !postgresBatched.isEmpty {
    print(String(format: "PostgreSQL against SQLite: single %.2f×, batched %.2f×", postgresSingle / sqliteSingle,
                 median(postgresBatched) / median(batchedRates)))
}
