import Foundation

/// A Python program from `Peers/`, run as a separate process (a third-party protocol peer).
final class PythonPeer {
    let process = Process()
    private let output = Pipe()
    /// Never written: when this process dies, the peer sees end-of-file and exits too.
    private let input = Pipe()
    private var buffered = ""

    static func script(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Peers").appendingPathComponent(name).path
    }

    init(_ name: String, arguments: [String] = []) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.script(name)] + arguments
        process.standardOutput = output
        process.standardInput = input
        try process.run()
    }

    deinit { stop() }

    /// The next line the program printed, or nil if it ended first.
    func readLine() -> String? {
        while !buffered.contains("\n") {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { return nil }
            buffered += String(decoding: data, as: UTF8.self)
        }
        let line = buffered[..<buffered.firstIndex(of: "\n")!]
        buffered.removeSubrange(...buffered.firstIndex(of: "\n")!)
        return String(line)
    }

    /// Waits for the program to end and returns its exit status.
    func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL, not SIGTERM: a child spawned from a Dispatch worker thread inherits that thread's
    /// signal mask, in which SIGTERM is blocked, and Python does not unblock it.
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        _ = wait()
    }
}
