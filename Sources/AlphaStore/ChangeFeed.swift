/// Tells a reader that another process has committed: the bot learns of new commands, a tail
/// of new events. SQLite's `PRAGMA data_version` today; PostgreSQL's LISTEN/NOTIFY later.
public protocol ChangeFeed: AnyObject {
    /// Whether another connection has committed since the last call (true on the first call).
    func hasChanged() throws -> Bool
}

/// `ChangeFeed` over SQLite's `data_version`, which moves when another connection commits and
/// costs no I/O to read.
public final class SQLiteChangeFeed: ChangeFeed {
    private let database: Database
    private var seen: Int64?

    public init(database: Database) { self.database = database }

    public func hasChanged() throws -> Bool {
        let version = try database.dataVersion()
        defer { seen = version }
        return version != seen
    }
}
