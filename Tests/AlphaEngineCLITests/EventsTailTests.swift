import AlphaCore
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// Runs the real `alphaengine` binary as a user would.
@Suite(.serialized) struct CommandLineTests {
    static var executable: URL { BuiltExecutable.url("alphaengine") }

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("alphaengine-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func start(_ arguments: [String], in directory: URL) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ["PATH": "/usr/bin:/bin"] // no ALPHAENGINE_* from the caller: mode sim
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        return (process, output, errors)
    }

    /// Reads lines from `pipe` until `count` have arrived or `seconds` pass.
    func readLines(_ pipe: Pipe, count: Int, seconds: Double) -> [String] {
        var buffer = Data()
        let deadline = Date().addingTimeInterval(seconds)
        let handle = pipe.fileHandleForReading
        while Date() < deadline, buffer.split(separator: UInt8(ascii: "\n")).count < count {
            var descriptor = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 100) > 0 {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
            }
        }
        return String(decoding: buffer, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func tailFollowsNewEventsAndStopsCleanlyOnSignal(signal: Int32) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        let database = try Database.openMigrated(path: directory.appendingPathComponent("data/alphaengine-sim.db").path)
        let writer = try EventWriter(database: database)
        var factory = EventFactory(seed: 5)
        try writer.append((0..<3).map { _ in factory.next() })

        let (process, output, errors) = try start(["events", "tail", "--after", "0"], in: directory)
        let first = readLines(output, count: 3, seconds: 20)
        #expect(first.count == 3)
        #expect(first.first?.hasPrefix(#"{"seq":1,"#) == true)

        // Committed by another process's connection: the tail must notice within its poll.
        let later = (0..<2).map { _ in factory.next() }
        try writer.append(later)
        let followed = readLines(output, count: 2, seconds: 20)
        #expect(followed.count == 2)
        #expect(followed.last?.contains(later.last!.dedupKey) == true)

        kill(process.processIdentifier, signal)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        #expect(!process.isRunning, "did not stop within 10 s")
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains(signal == SIGTERM ? "SIGTERM" : "SIGINT") && message.contains("seq 5"))
    }

    @Test func refusesAnOpenSecretsFileWithExitStatus78() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("secrets.yaml").path
        try "mode: sim\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o644)
        let (process, _, errors) = try start(["db", "migrate", "--config", path], in: directory)
        process.waitUntilExit()
        #expect(process.terminationStatus == 78)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(message.contains("chmod 600"))
    }
}
