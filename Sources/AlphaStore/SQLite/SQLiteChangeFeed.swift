import AlphaSystem
import Glibc

/// `ChangeFeed` over SQLite: `PRAGMA data_version` moves when another connection commits and
/// costs no I/O to read. Waiting sleeps on inotify until a file beside the database is written
/// (a commit appends to the `-wal` file), then reads data_version every `pollMicroseconds` for
/// a short burst, since the WAL write comes just before SQLite publishes the commit. Idle it
/// costs nothing; without inotify it polls. The watch is made on the first wait: a reader that
/// only asks (the bot, between its own turns) must not have the kernel queue inotify events for
/// every write of its own.
public final class SQLiteChangeFeed: ChangeFeed {
    private let database: Database
    private let directory: String?
    private lazy var watch: DirectoryWatch? = directory.flatMap { try? DirectoryWatch(directory: $0.isEmpty ? "." : $0) }
    private let pollMicroseconds: UInt32
    private var seen: Int64?
    private var burstUntil: UInt64 = 0
    /// After a wake or a change, how long to keep reading data_version at the fast rate.
    static let burstNanoseconds: UInt64 = 20_000_000

    /// `watching`: the directory of the database file, to sleep on; nil polls only.
    public init(database: Database, watching directory: String? = nil, pollMicroseconds: UInt32 = 250) {
        self.database = database
        self.pollMicroseconds = pollMicroseconds
        self.directory = directory
        burstUntil = MonotonicClock.now() + Self.burstNanoseconds
    }

    public func hasChanged() throws -> Bool {
        let version = try database.dataVersion()
        defer { seen = version }
        guard version != seen else { return false }
        changedSinceWait = true
        return true
    }

    /// A change was reported and handled: the burst starts when the caller next waits, after it
    /// has read what changed (another commit often follows close behind).
    private var changedSinceWait = false

    public func forget() { seen = nil }

    public func wait(milliseconds: Int32) {
        if changedSinceWait {
            changedSinceWait = false
            burstUntil = MonotonicClock.now() + Self.burstNanoseconds
        }
        if watch == nil || MonotonicClock.now() < burstUntil {
            usleep(min(pollMicroseconds, UInt32(max(0, milliseconds)) * 1000))
        } else if watch?.wait(milliseconds: milliseconds) == true {
            burstUntil = MonotonicClock.now() + Self.burstNanoseconds
        }
    }
}
