import Foundation

/// A Python program run as a separate process (a third-party protocol peer).
public final class PythonPeer {
    public let process = Process()
    private let output = Pipe()
    /// Never written: when this process dies, the peer sees end-of-file and exits too.
    private let input = Pipe()
    private var buffered = ""

    /// The repository's root (this file is Tests/Support/PythonPeer.swift).
    public static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `Tests/<suite>/Peers/<name>` with `python` (the system's python3 by default).
    public init(suite: String, _ name: String, arguments: [String] = [], python: String? = nil) throws {
        let script = Self.repositoryRoot.appendingPathComponent("Tests/\(suite)/Peers/\(name)").path
        if let python {
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [script] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script] + arguments
        }
        process.standardOutput = output
        process.standardInput = input
        try process.run()
    }

    deinit { stop() }

    /// The next line the program printed, or nil if it ended first.
    public func readLine() -> String? {
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
    public func wait() -> Int32 {
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL, not SIGTERM: a child spawned from a Dispatch worker thread inherits that thread's
    /// signal mask, in which SIGTERM is blocked, and Python does not unblock it.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        _ = wait()
    }
}
