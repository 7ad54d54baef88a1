import AlphaCore
import AlphaStore
import ArgumentParser
import Foundation

/// `alphaengine db …`: look after the database of the current mode.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Create, inspect and repair the database of the current mode.",
        subcommands: [Migrate.self, Stats.self, Check.self, Rebuild.self, Backup.self, Verify.self]
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
            abstract: "Check a database through and through: SQLite's integrity, the schema, and the projections against a replay.")
        @OptionGroup var options: CommonOptions
        @Option(help: "A database file to check (a backup) instead of the current mode's.") var file: String?

        func run() throws {
            try reportingFailures {
                let database: Database
                if let file {
                    guard FileManager.default.fileExists(atPath: file) else { throw ValidationFailure("no file at \(file)", status: 66) }
                    database = try Database(path: file, memory: .lean)
                } else {
                    database = try options.openDatabase(memory: .lean).0
                }
                let verification: DatabaseMaintenance.Verification
                do { verification = try DatabaseMaintenance.verify(database) } catch {
                    throw ValidationFailure("\(database.path): not a sound AlphaEngine database: \(error)", status: 1)
                }
                guard verification.isSound else {
                    throw ValidationFailure("\(database.path): " + verification.problems.joined(separator: "; "), status: 1)
                }
                print("ok: \(database.path): \(verification)")
            }
        }
    }
}
