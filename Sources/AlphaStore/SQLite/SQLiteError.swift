import CSQLite

/// A failed SQLite call: the extended result code, SQLite's message and the statement.
public struct SQLiteError: Error, Equatable, CustomStringConvertible {
    /// Extended result code (for example 2067 = SQLITE_CONSTRAINT_UNIQUE).
    public let code: Int32
    public let message: String
    public let sql: String?

    public var description: String {
        let statement = sql.map { " (in: \($0.prefix(120)))" } ?? ""
        return "SQLite error \(code): \(message)\(statement)"
    }

    /// True for the primary codes SQLITE_BUSY and SQLITE_LOCKED.
    public var isBusy: Bool { code & 0xFF == SQLITE_BUSY || code & 0xFF == SQLITE_LOCKED }
    public var isConstraint: Bool { code & 0xFF == SQLITE_CONSTRAINT }

    init(code: Int32, connection: OpaquePointer?, sql: String?) {
        self.code = code
        if let connection, let text = sqlite3_errmsg(connection) {
            self.message = String(cString: text)
        } else {
            self.message = String(cString: sqlite3_errstr(code))
        }
        self.sql = sql
    }
}
