import AlphaCore
import AlphaSettings
import AlphaStore
import ArgumentParser
import Foundation

/// `alphaengine db …`: look after the database of the current mode.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Create, inspect and repair the database of the current mode.",
        subcommands: [Migrate.self, Stats.self, Check.self, Rebuild.self, Backup.self, Verify.self, Copy.self]
    )

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create the database or bring its schema up to date.")
        @OptionGroup var options: CommonOptions

        func run() throws {
            try reportingFailures {
                let (database, configuration) = try options.openDatabase()
                print("\(database.path): schema version \(try database.schemaVersion()) (mode \(configuration.mode.rawValue))")
            }
        }
    }

    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Count events, commands and projection rows.")
        @OptionGroup var options: CommonOptions

        func run() throws {
            try reportingFailures {
                let (database, _) = try options.openDatabase()
                let events = EventStore(database: database)
                let projections = try ProjectionStore(database: database).load()
                print("database:    \(database.path)")
                print("events:      \(try events.count()) (last seq \(try events.lastSeq()))")
                let counts = try CommandStore(database: database).countsByStatus()
                print("commands:    " + CommandStatus.allCases.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: ", "))
                print("checkpoint:  \(projections.lastSeq)")
                print("projections: \(projections.orders.count) orders, \(projections.positions.count) positions, "
                      + "\(projections.balances.count) balances, \(projections.pnl.count) PnL days")
                print("engine:      \(projections.status.engineState.rawValue) (\(projections.status.engineMode.rawValue)), "
                      + "stream \(projections.status.streamState.rawValue)")
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify that the projections equal a replay of the event store (rule 7).")
        @OptionGroup var options: CommonOptions

        func run() throws {
            try reportingFailures {
                let (database, _) = try options.openDatabase()
                let (stored, replayed) = try database.read {
                    (try ProjectionStore(database: database).load(), try EventWriter.replay(EventStore(database: database)))
                }
                guard stored == replayed.state else {
                    throw ValidationFailure("projections differ from a replay of \(replayed.count) events; run `alphaengine db rebuild`",
                                            status: 1)
                }
                print("ok: projections match a replay of \(replayed.count) events (checkpoint \(stored.lastSeq))")
            }
        }
    }

    struct Rebuild: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drop the projections and rebuild them from the event store. Stop the bot first.")
        @OptionGroup var options: CommonOptions

        func run() throws {
            try reportingFailures {
                let (database, _) = try options.openDatabase()
                let start = Date()
                let count = try EventWriter(database: database).rebuildProjections()
                print(String(format: "rebuilt projections from %lld events in %.2f s", count, Date().timeIntervalSince(start)))
            }
        }
    }

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the database to a file while the bot and the web run, and check the copy (restore: stop both, put it in place).")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The backup file to write; it must not exist.") var file: String

        func run() throws {
            try reportingFailures {
                guard !FileManager.default.fileExists(atPath: file) else { throw ValidationFailure("\(file) exists already; name a new file", status: 73) }
                let (database, _) = try options.openDatabase(memory: .lean)
                // Written beside the target and renamed only once checked: a backup on disk under its
                // own name is always a whole, verified one.
                let partial = file + ".partial"
                try? FileManager.default.removeItem(atPath: partial)
                let started = Date()
                do {
                    try DatabaseMaintenance.backup(database, to: partial)
                } catch {
                    throw ValidationFailure("backup to \(file): \(error)", status: 74)
                }
                let verification = try DatabaseMaintenance.verify(try Database(path: partial, memory: .lean))
                guard verification.isSound else {
                    try? FileManager.default.removeItem(atPath: partial)
                    throw ValidationFailure("the copy failed its check, nothing kept: \(verification.problems.joined(separator: "; "))", status: 1)
                }
                try FileManager.default.moveItem(atPath: partial, toPath: file)
                let bytes = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
                print(String(format: "backup %@: %@; checked; %d bytes in %.2f s", file, verification.description, bytes,
                             Date().timeIntervalSince(started)))
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a store through and through: integrity, the schema, every seq, the projections against a replay; with --against, that it holds what another does.")
        @OptionGroup var options: CommonOptions
        @Option(name: [.customLong("store"), .customLong("file")], help: "A store to check (a database file, a backup, or a postgresql:// URL) instead of the configured one.")
        var store: String?
        @Option(help: "Another store (file or postgresql:// URL) that this one must equal table for table: the source of a copy.") var against: String?

        func run() throws {
            try reportingFailures {
                let (connection, name) = try store.map { (try StoreLocation.open($0, creating: false), StoreLocation.describe($0)) }
                    ?? options.openConfiguredConnection()
                let verification: DatabaseMaintenance.Verification
                do { verification = try DatabaseMaintenance.verify(connection) } catch {
                    throw ValidationFailure("\(name): not a sound AlphaEngine database: \(error)", status: 1)
                }
                guard verification.isSound else {
                    throw ValidationFailure("\(name): " + verification.problems.joined(separator: "; "), status: 1)
                }
                if let against {
                    let differences = try StoreLocation.differences(connection, try StoreLocation.open(against, creating: false))
                    guard differences.isEmpty else {
                        throw ValidationFailure("\(name) differs from \(StoreLocation.describe(against)): " + differences.joined(separator: "; "), status: 1)
                    }
                }
                print("ok: \(name): \(verification)" + (against.map { "; every table equals \(StoreLocation.describe($0))'s" } ?? ""))
            }
        }
    }

    struct Copy: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy a store's whole history into an empty one (SQLite file ⇄ PostgreSQL), then check the copy. Stop the bot first.")
        @OptionGroup var options: CommonOptions
        @Option(help: "The store to copy (a database file or a postgresql:// URL); the configured one when left out.") var from: String?
        @Option(help: "The empty store to fill: a new database file, or a postgresql:// URL.") var to: String

        func run() throws {
            try reportingFailures {
                let (source, sourceName) = try from.map { (try StoreLocation.open($0, creating: false), StoreLocation.describe($0)) }
                    ?? options.openConfiguredConnection()
                if !PostgresBackend.isURL(to), FileManager.default.fileExists(atPath: to) {
                    throw ValidationFailure("\(to) exists already; name a new file", status: 73)
                }
                let target = try StoreLocation.open(to, creating: true)
                let started = Date()
                let report: StoreCopy.Report
                do {
                    report = try StoreCopy.copy(from: source, to: target)
                } catch {
                    if !PostgresBackend.isURL(to) { try? FileManager.default.removeItem(atPath: to) }
                    throw ValidationFailure("copy to \(StoreLocation.describe(to)): \(error); nothing was kept", status: 1)
                }
                let copied = Date().timeIntervalSince(started)
                let verification = try DatabaseMaintenance.verify(target)
                let differences = try StoreLocation.differences(target, source)
                guard verification.isSound, differences.isEmpty else {
                    throw ValidationFailure("the copy failed its check: " + (verification.problems + differences).joined(separator: "; "), status: 1)
                }
                print(String(format: "copied %@ → %@: %@ in %.1f s; checked: %@, every table equal",
                             sourceName, StoreLocation.describe(to), report.description, copied, verification.description))
            }
        }
    }
}

/// A store named on the command line: a database file, or a PostgreSQL URL (shown without its password).
enum StoreLocation {
    /// `creating`: a copy's target, made and migrated; otherwise the store is opened as it is
    /// (a check must not change a backup, nor a copy its source).
    static func open(_ location: String, creating: Bool) throws -> any SQLConnection {
        do {
            if PostgresBackend.isURL(location) {
                let connection = try PostgresConnection(url: location)
                if creating { try PostgresSchema.migrate(connection) }
                return connection
            }
            guard creating || FileManager.default.fileExists(atPath: location) else { throw ValidationFailure("no file at \(location)", status: 66) }
            return creating ? try Database.openMigrated(path: location, memory: .bulk) : try Database(path: location, memory: .bulk)
        } catch let failure as ValidationFailure {
            throw failure
        } catch {
            throw ValidationFailure("\(describe(location)): \(error)", status: 1)
        }
    }

    static func describe(_ location: String) -> String {
        PostgresBackend.isURL(location) ? EngineConfiguration.describe(storageURL: location) : location
    }

    /// The tables whose rows or content differ between two stores.
    static func differences(_ one: any SQLConnection, _ other: any SQLConnection) throws -> [String] {
        let mine = try StoreCopy.digest(one), theirs = try StoreCopy.digest(other)
        return zip(mine, theirs).compactMap { a, b in
            a.rows != b.rows ? "\(a.table): \(a.rows) rows against \(b.rows)" : a.hash != b.hash ? "\(a.table): same \(a.rows) rows, different content" : nil
        }
    }
}
