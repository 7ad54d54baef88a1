import AlphaCore

/// Backups and checks of a whole store (`alphaengine db backup`, `db verify`).
public enum DatabaseMaintenance {
    /// What a check found: the file's shape and every problem, none when it is sound.
    public struct Verification: Sendable, CustomStringConvertible {
        public var schemaVersion = 0
        public var events: Int64 = 0
        public var lastSeq: Int64 = 0
        public var checkpoint: Int64 = 0
        public var commands: Int64 = 0
        public var problems: [String] = []

        public var isSound: Bool { problems.isEmpty }

        public var description: String {
            "schema \(schemaVersion), \(events) events up to seq \(lastSeq), projections at \(checkpoint), \(commands) commands"
        }
    }

    /// Copies `database` to a new file at `path` while others go on writing: `VACUUM INTO` reads
    /// inside one transaction, so the copy is the database as of one commit, whole ("The VACUUM
    /// INTO command is transactional in the sense that the generated output database is a
    /// consistent snapshot of the original database", sqlite.org/lang_vacuum.html). SQLite refuses
    /// a file that exists and is not empty.
    public static func backup(_ database: Database, to path: String) throws {
        _ = try database.run("VACUUM INTO ?", [.text(path)])
    }

    /// Checks a store through and through: SQLite's own integrity check (on a file), the schema
    /// version this build knows, every event readable and numbered 1…n without a gap, and the
    /// projections equal to a replay of the events up to the last one (DESIGN rule 7).
    public static func verify(_ database: any SQLConnection) throws -> Verification {
        var result = Verification()
        try database.read {
            let latest: Int
            switch database.dialect {
            case .sqlite:
                let integrity = try database.rows("PRAGMA integrity_check", []) { $0.text(0) }
                if integrity != ["ok"] { result.problems.append("SQLite integrity check: \(integrity.prefix(5).joined(separator: "; "))") }
                result.schemaVersion = Int(try database.firstRow("PRAGMA user_version") { $0.int64(0) } ?? 0)
                latest = Schema.latestVersion
            case .postgresql:
                result.schemaVersion = Int(try database.firstRow("SELECT version FROM schema_version WHERE id = 1") { $0.int64(0) } ?? 0)
                latest = PostgresSchema.latestVersion
            }
            if result.schemaVersion != latest {
                result.problems.append("schema version \(result.schemaVersion); this build writes \(latest)")
            }
            let events = EventStore(database: database)
            result.events = try events.count()
            result.lastSeq = try events.lastSeq()
            if result.events != result.lastSeq {
                result.problems.append("\(result.events) events numbered up to \(result.lastSeq): seqs are missing")
            }
            result.commands = try database.firstRow("SELECT count(*) FROM command_store", []) { $0.int64(0) } ?? 0
            let stored = try ProjectionStore(database: database).load()
            result.checkpoint = stored.lastSeq
            let replayed = try EventWriter.replay(events)
            if replayed.count != result.events { result.problems.append("a replay read \(replayed.count) of \(result.events) events") }
            if stored != replayed.state {
                result.problems.append("the projections differ from a replay of the \(replayed.count) events (alphaengine db rebuild repairs them)")
            }
            if result.checkpoint != result.lastSeq {
                result.problems.append("the projections stop at seq \(result.checkpoint), the events go to \(result.lastSeq)")
            }
        }
        return result
    }
}
