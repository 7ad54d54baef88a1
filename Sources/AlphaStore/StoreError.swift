import AlphaCore

/// Whether `error` says the store could not be reached (PostgreSQL gone, restarting, unreachable),
/// as opposed to refusing what was asked: the former is waited out, the latter is a bug or bad data.
public func isStoreUnreachable(_ error: any Error) -> Bool {
    (error as? PostgresError)?.connectionLost == true
}

/// Why a store operation failed. SQLite failures keep their code and message; the rest say which
/// rule was broken in words an operator can act on.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    case sqlite(SQLiteError)
    /// The database was migrated by a newer AlphaEngine than this one.
    case newerSchema(found: Int, supported: Int)
    case notFound(String)
    case invalidCommand(String)
    case illegalCommandTransition(IllegalTransition<CommandStatus>)
    /// The stored version is not the one the caller based its change on.
    case versionConflict(key: String, expected: Int64, actual: Int64)
    /// A stored event whose payload does not fit its type (refused on append, reported on replay).
    case invalidPayload(eventType: String, seq: Int64?, PayloadError)
    /// A row that cannot be read back (a value outside its allowed set).
    case corruptRow(table: String, reason: String)
    /// A copy's target already holds data: a copy never merges two histories.
    case targetNotEmpty(table: String, rows: Int64)

    public var description: String {
        switch self {
        case .sqlite(let error): error.description
        case .newerSchema(let found, let supported):
            "the database has schema version \(found) but this AlphaEngine knows only up to \(supported); upgrade AlphaEngine"
        case .notFound(let what): "\(what) not found"
        case .invalidCommand(let reason): "invalid command: \(reason)"
        case .illegalCommandTransition(let transition): transition.description
        case .versionConflict(let key, let expected, let actual):
            "\(key) is at version \(actual), not \(expected): reload and apply the change again"
        case .invalidPayload(let type, let seq, let error):
            "\(type) event\(seq.map { " #\($0)" } ?? ""): \(error)"
        case .corruptRow(let table, let reason): "unreadable row in \(table): \(reason)"
        case .targetNotEmpty(let table, let rows): "the target already holds \(rows) rows in \(table): copy into an empty store"
        }
    }
}
