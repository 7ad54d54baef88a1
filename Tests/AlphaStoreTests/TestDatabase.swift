import AlphaStore
import AlphaTestSupport
import Foundation

/// A fresh database file in its own temporary directory, removed when the value is released.
final class TestDatabase {
    let directory: URL
    var path: String { directory.appendingPathComponent("test.db").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("alphaengine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func open() throws -> Database { try Database.openMigrated(path: path) }

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
