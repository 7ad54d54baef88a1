import AlphaCore
import AlphaSettings
import AlphaStore
import AlphaSystem
import ArgumentParser
import Foundation
import Logging

/// Options every subcommand that touches the system shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "Path to secrets.yaml (default: config/secrets.yaml if present, else the environment; mode sim without either).")
    var configPath: String?

    @Option(name: .customLong("data-dir"), help: "Directory of the database files, one per mode (default: data_dir in secrets.yaml, ALPHAENGINE_DATA_DIR, else data).")
    var dataDirectory: String?

    /// The engine configuration (file, then environment, then these flags), turning a refusal
    /// into a clear message and exit status 78 (EX_CONFIG).
    func configuration(corsOrigins: [String] = []) throws -> EngineConfiguration {
        do {
            return try ConfigurationLoader.load(path: configPath, flags: EngineConfiguration.Flags(dataDirectory: dataDirectory,
                                                                                                   webCORSOrigins: corsOrigins))
        } catch {
            throw ValidationFailure("configuration: \(error)", status: 78)
        }
    }

    /// Opens (creating and migrating if needed) the current mode's database.
    func openDatabase(memory: Database.MemoryProfile = .bulk, corsOrigins: [String] = []) throws -> (Database, EngineConfiguration) {
        let configuration = try configuration(corsOrigins: corsOrigins)
        guard configuration.credentials.storageURL == nil else {
            throw ValidationFailure("this command works on the SQLite file, and the configuration names PostgreSQL "
                + "(\(configuration.storageDescription)): use `alphaengine db copy` to move between them, PostgreSQL's own tools for the rest", status: 64)
        }
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let path = configuration.databasePath
        do {
            return (try Database.openMigrated(path: path, memory: memory), configuration)
        } catch {
            throw ValidationFailure("database \(path): \(error)", status: 1)
        }
    }
}

extension CommonOptions {
    /// The current mode's store, reached through the repository protocols: the SQLite file, or
    /// PostgreSQL when the configuration names one (`storage:`).
    func openStorage(memory: Database.MemoryProfile = .bulk, corsOrigins: [String] = []) throws -> (any Storage, EngineConfiguration) {
        let configuration = try configuration(corsOrigins: corsOrigins)
        guard configuration.credentials.storageURL != nil else {
            let (database, configuration) = try openDatabase(memory: memory, corsOrigins: corsOrigins)
            return (SQLiteStorage(database, venue: configuration.venue), configuration)
        }
        do {
            return (try configuration.backend.open(memory: memory), configuration)
        } catch {
            throw ValidationFailure("database \(configuration.storageDescription): \(error)", status: 1)
        }
    }
}

extension CommonOptions {
    /// The configured store's SQL connection and how to name it (for `db verify` and `db copy`).
    func openConfiguredConnection() throws -> (any SQLConnection, String) {
        let configuration = try configuration()
        if let url = configuration.credentials.storageURL {
            do {
                let connection = try PostgresConnection(url: url, account: configuration.account)
                try PostgresSchema.migrate(connection)
                return (connection, configuration.storageDescription)
            } catch {
                throw ValidationFailure("database \(configuration.storageDescription): \(error)", status: 1)
            }
        }
        let (database, _) = try openDatabase(memory: .bulk)
        return (database, database.path)
    }
}

extension EngineConfiguration {
    /// Where every process of this configuration opens its connections.
    var backend: any StorageBackend {
        if let url = credentials.storageURL { return PostgresBackend(url: url, venue: venue, account: account) }
        return SQLiteBackend(path: databasePath, venue: venue)
    }
}

/// An error printed as one line to standard error, with the given exit status.
struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    let status: Int32

    init(_ message: String, status: Int32) {
        self.description = message
        self.status = status
    }
}

extension ParsableCommand {
    /// Runs `body`, printing a `ValidationFailure` as `alphaengine: message` and exiting with its status.
    func reportingFailures(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let failure as ValidationFailure {
            FileHandle.standardError.write(Data("alphaengine: \(failure.description)\n".utf8))
            throw ExitCode(failure.status)
        }
    }
}

extension LogFormat: ExpressibleByArgument {}

extension CommonOptions {
    /// Says what a long-running process is doing (started, listening, stopped): as the plain
    /// "alphaengine bot: …" line people and scripts read, or, with JSON logs, as a log line like
    /// every other, so standard error stays one JSON object a line.
    func announcer(process: String, format: LogFormat) -> (String) -> Void {
        let lifecycle = Logger(label: "lifecycle")
        return { text in
            switch format {
            case .text: FileHandle.standardError.write(Data("alphaengine \(process): \(text)\n".utf8))
            case .json: lifecycle.notice("\(text)")
            }
        }
    }
}
