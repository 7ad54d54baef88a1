import Foundation
import Synchronization

/// A PostgreSQL cluster of a test's own (issue 19): Debian's `postgresql` binaries, `initdb` into
/// a fresh directory, the server on a free loopback port with its socket in that directory, and
/// everything stopped and removed when released. PostgreSQL refuses to run as root, so under root
/// the cluster belongs to `nobody` (the directory is handed to it first).
public final class ScratchPostgres {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let directory: String
    public let port: Int
    private let binaries: String
    private var server: Process?
    /// The postmaster's process id (its backends are its children), while it runs.
    public var serverPID: Int32? { server?.processIdentifier }

    /// The connection URL of the cluster's `alphaengine` database (user `postgres`, trust on loopback).
    public var url: String { "postgresql://postgres@127.0.0.1:\(port)/alphaengine" }

    /// Server settings: the tests' default trades durability for speed (`fsync=off`); a benchmark
    /// asks for what a server would run (`durable`: fsync on, commits not waiting for their flush,
    /// which is what SQLite's WAL with synchronous=NORMAL gives the SQLite store).
    public let settings: [String]
    public static let durable = ["fsync=on", "synchronous_commit=off", "shared_buffers=256MB", "max_connections=300"]

    public init(settings: [String] = ["fsync=off", "max_connections=200"]) throws {
        self.settings = settings
        guard let binaries = Self.binaries() else {
            throw Failure(description: "no PostgreSQL server binaries under /usr/lib/postgresql (scripts/setup installs Debian's postgresql)")
        }
        self.binaries = binaries
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("alphaengine-pg-\(UUID().uuidString)").path
        port = Int(try freeLoopbackPort())
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            try Self.check(runProgram(URL(fileURLWithPath: "/bin/chown"), ["nobody:nogroup", directory]), "chown")
        }
        try Self.check(run("initdb", ["-D", "\(directory)/data", "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]), "initdb")
        try restart()
        try Self.check(run("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "alphaengine"]), "createdb")
    }

    deinit { remove() }

    private func remove() {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// One cluster for the whole test process, for tests that only need a database of their own
    /// (`database()`): a new database takes milliseconds, a new cluster a second or two. It is
    /// stopped and removed when the process exits.
    nonisolated(unsafe) public static let shared: ScratchPostgres = {
        do {
            let cluster = try ScratchPostgres()
            sharedForExit = cluster
            atexit { sharedForExit?.remove() }
            return cluster
        } catch {
            fatalError("cannot start the tests' PostgreSQL: \(error)")
        }
    }()
    nonisolated(unsafe) private static var sharedForExit: ScratchPostgres?
    /// Servers still running, stopped when the process exits however it ends its run (a
    /// benchmark that gives up, a cluster held by a global).
    static let running = Mutex<Set<Int32>>([])

    /// A new, empty database in this cluster; its URL.
    public func database() throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try Self.check(run("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", name]), "createdb")
        return "postgresql://postgres@127.0.0.1:\(port)/\(name)"
    }

    /// Stops the server (fast shutdown: open connections are cut, as a crash of the database looks to a client).
    public func stop() {
        guard let server, server.isRunning else { return }
        Self.running.withLock { _ = $0.remove(server.processIdentifier) }
        kill(server.processIdentifier, SIGINT)
        server.waitUntilExit()
        self.server = nil
    }

    /// Starts the server (again) on the same port and data, as a child of this process (not
    /// through `pg_ctl`, whose daemon would keep Foundation from seeing `pg_ctl` end), and waits
    /// until it takes connections.
    public func restart() throws {
        let process = command("postgres", ["-D", "\(directory)/data", "-p", String(port), "-k", directory,
                                           "-c", "listen_addresses=127.0.0.1"] + settings.flatMap { ["-c", $0] })
        let log = "\(directory)/server.log"
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = FileHandle(forWritingAtPath: log)
        handle?.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        server = process
        Self.running.withLock { running in
            if running.isEmpty { atexit { ScratchPostgres.running.withLock { $0.forEach { kill($0, SIGINT) } } } }
            running.insert(process.processIdentifier)
        }
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if try run("pg_isready", ["-h", "127.0.0.1", "-p", String(port), "-t", "1"]).status == 0 { return }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        let said = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        throw Failure(description: "postgres did not start: \(said.suffix(2000))")
    }

    /// A PostgreSQL program as the cluster's owner, run to the end.
    private func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = command(program, arguments)
        return try runProgram(process.executableURL!, process.arguments ?? [], environment: ["HOME": directory])
    }

    /// The program, as the cluster's owner: `nobody` under root (PostgreSQL refuses root).
    private func command(_ program: String, _ arguments: [String]) -> Process {
        let process = Process()
        let path = "\(binaries)/\(program)"
        if getuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--", path] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
        }
        process.environment = ProcessInfo.processInfo.environment.merging(["HOME": directory]) { $1 }
        return process
    }

    private static func check(_ result: (status: Int32, output: String), _ what: String) throws {
        guard result.status == 0 else { throw Failure(description: "\(what) failed (\(result.status)): \(result.output)") }
    }

    /// The newest installed server's binaries (`/usr/lib/postgresql/15/bin`).
    private static func binaries() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        return versions.reversed().map { "\(root)/\($0)/bin" }.first { FileManager.default.isExecutableFile(atPath: "\($0)/initdb") }
    }
}
