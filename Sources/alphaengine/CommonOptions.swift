import AlphaCore
import AlphaSettings
import AlphaStore
import ArgumentParser
import Foundation

/// Options every subcommand that touches the system shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "Path to secrets.yaml (default: config/secrets.yaml if present, else the environment; mode sim without either).")
    var configPath: String?

    @Option(name: .customLong("data-dir"), help: "Directory of the database files, one per mode.")
    var dataDirectory: String = "data"

    /// Loads the secrets, turning a refusal into a clear message and exit status 78 (EX_CONFIG).
    func secrets() throws -> Secrets {
        do {
            return try SecretsLoader.load(path: configPath)
        } catch {
            throw ValidationFailure("configuration: \(error)", status: 78)
        }
    }

    /// Opens (creating and migrating if needed) the current mode's database.
    func openDatabase(memory: Database.MemoryProfile = .bulk) throws -> (Database, Secrets) {
        let secrets = try secrets()
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let path = databasePath(dataDirectory: dataDirectory, mode: secrets.mode)
        do {
            return (try Database.openMigrated(path: path, memory: memory), secrets)
        } catch {
            throw ValidationFailure("database \(path): \(error)", status: 1)
        }
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
