import CSQLite

/// One SQLite connection in WAL mode, confined to the thread that uses it.
///
/// Bot and web each open their own connection to the same file (DESIGN §3 rule 9). WAL lets
/// readers run alongside the one writer; `BEGIN IMMEDIATE` takes the write lock at the start of
/// every write transaction, so two processes never deadlock upgrading a read lock, and the busy
/// timeout makes a writer wait for the other instead of failing with SQLITE_BUSY.
public final class Database: SQLConnection {
    let handle: OpaquePointer
    public let path: String
    private var statements: [String: Statement] = [:]

    /// How much memory the connection may use for pages.
    public enum MemoryProfile: Sendable {
        /// Bulk appends and rebuilds: a 64 MiB page cache and memory-mapped reads keep the
        /// unique indexes' pages in memory while millions of events go in.
        case bulk
        /// A long-running process that appends a few events a second (the bot): a 4 MiB cache
        /// and plain reads, so its resident memory stays small however large the store grows.
        case lean
    }

    /// Opens (creating if needed) the database at `path` and sets it up: WAL (verified),
    /// `synchronous=NORMAL`, foreign keys, busy timeout.
    public init(path: String, busyTimeoutMilliseconds: Int32 = 15_000, memory: MemoryProfile = .bulk) throws {
        var handle: OpaquePointer?
        // NOMUTEX: the connection is confined to one thread, so SQLite's own mutex is wasted work.
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let error = SQLiteError(code: code, connection: handle, sql: nil)
            sqlite3_close_v2(handle)
            throw error
        }
        self.handle = handle
        self.path = path
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)

        let mode = try statement("PRAGMA journal_mode=WAL").firstRow { $0.text(0) }
        guard mode == "wal" else {
            throw SQLiteError(code: SQLITE_ERROR, connection: nil, sql: "PRAGMA journal_mode=WAL answered \(mode ?? "nothing")")
        }
        // "Many applications choose NORMAL when in WAL mode": durable across application crashes;
        // only a power loss can roll back the last transactions, never corrupt the database.
        try execute("PRAGMA synchronous=NORMAL")
        try execute("PRAGMA foreign_keys=ON")
        // The unique indexes on event ids and dedup keys take random-order inserts; with SQLite's
        // default 2 MB page cache a large store re-reads index pages through read(2) on every
        // append. A 64 MiB cache and memory-mapped reads keep them in memory.
        switch memory {
        case .bulk:
            try execute("PRAGMA cache_size=-65536")
            try execute("PRAGMA mmap_size=1073741824")
        case .lean:
            try execute("PRAGMA cache_size=-4096")
            try execute("PRAGMA mmap_size=0")
        }
        // Checkpoint every ~40 MB of WAL instead of every 4 MB: each checkpoint ends in fsyncs,
        // which dominate append time on slow disks. The WAL is truncated back to 64 MB afterwards.
        try execute("PRAGMA wal_autocheckpoint=10000")
        try execute("PRAGMA journal_size_limit=67108864")
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that return no rows.
    public func execute(_ sql: String) throws(SQLiteError) {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw SQLiteError(code: code, connection: handle, sql: sql) }
    }

    public var dialect: SQLDialect { .sqlite }

    @discardableResult
    public func run(_ sql: String, _ values: [SQLValue]) throws -> Int { try statement(sql).run(values) }

    public func forEachRow(_ sql: String, _ values: [SQLValue], _ body: (any SQLRow) throws -> Void) throws {
        let statement = try statement(sql)
        try statement.bind(values)
        do {
            while try statement.step() { try body(statement) }
        } catch {
            statement.reset()
            throw error
        }
    }

    /// A prepared statement for `sql`, prepared once per connection and reused.
    public func statement(_ sql: String) throws(SQLiteError) -> Statement {
        if let cached = statements[sql] { return cached }
        let prepared = try Statement(database: self, sql: sql)
        statements[sql] = prepared
        return prepared
    }

    /// True while a transaction is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`), committing when it returns and
    /// rolling back when it throws. Nested calls join the outer transaction.
    public func write<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction { return try body() }
        try execute("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Runs `body` in a read transaction: every query inside sees one consistent snapshot.
    public func read<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction { return try body() }
        try execute("BEGIN DEFERRED")
        defer { if isInTransaction { try? execute("COMMIT") } }
        return try body()
    }

    /// `PRAGMA data_version`: changes when another connection commits (cheap change detection).
    public func dataVersion() throws -> Int64 {
        try statement("PRAGMA data_version").firstRow { $0.int64(0) } ?? 0
    }
}
