import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// A fresh store of its own, removed when the value is released: a database file in a temporary
/// directory, or a new database in the test process's PostgreSQL cluster.
final class TestDatabase {
    let kind: StoreKind
    let directory: URL
    var path: String { directory.appendingPathComponent("test.db").path }
    /// The PostgreSQL database's URL (nil for SQLite).
    let url: String?

    init(_ kind: StoreKind = .default) throws {
        self.kind = kind
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("alphaengine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        url = kind == .postgresql ? try ScratchPostgres.shared.database() : nil
    }

    /// A new connection to the store, its schema brought up to date (a reopen, each time).
    func open() throws -> any SQLConnection {
        switch kind {
        case .sqlite: return try openSQLite()
        case .postgresql: return try (PostgresBackend(url: url!).open() as! PostgresStorage).connection
        }
    }

    func openSQLite() throws -> Database { try Database.openMigrated(path: path) }

    /// The store as a whole, through its backend.
    func storage() throws -> any Storage {
        switch kind {
        case .sqlite: return try SQLiteBackend(path: path).open(memory: .lean)
        case .postgresql: return try PostgresBackend(url: url!).open()
        }
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}
/// Runs the store probe (a real second process) and collects its output.
struct Probe {
    /// The probe is built next to the test bundle (the test target depends on it).
    static var executable: URL { BuiltExecutable.url("alphaengine-store-probe") }

    let process = Process()
    let output = Pipe()
    let errors = Pipe()

    init(_ arguments: [String]) throws {
        process.executableURL = Self.executable
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = errors
        try process.run()
    }

    /// Waits for exit and returns (status, stdout lines, stderr text).
    func finish() -> (status: Int32, lines: [String], errors: String) {
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init),
                String(decoding: err, as: UTF8.self))
    }
}
