import AlphaCore
import AlphaStore
import ArgumentParser
import Foundation

/// `alphaengine db …`: look after the database of the current mode.
struct DatabaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Create, inspect and repair the database of the current mode.",
        subcommands: [Migrate.self, Stats.self, Check.self, Rebuild.self]
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
}
