/// The SQL the stores run, on SQLite or PostgreSQL (issue 19). Each table's store is written once
/// over this, with `?` placeholders (PostgreSQL's connection numbers them), the upserts both
/// engines read (`INSERT … ON CONFLICT … DO UPDATE`), and amounts as decimal text in both.
/// Where the two differ (JSON paths, row locks), the store asks `dialect`.
public protocol SQLConnection: AnyObject {
    var dialect: SQLDialect { get }
    /// True while a transaction is open on this connection.
    var isInTransaction: Bool { get }
    /// Runs one or more statements without parameters or rows.
    func execute(_ sql: String) throws
    /// Runs one statement; returns how many rows it changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLValue]) throws -> Int
    /// Calls `body` with each result row in turn; a row is valid only during its call.
    func forEachRow(_ sql: String, _ values: [SQLValue], _ body: (any SQLRow) throws -> Void) throws
    /// `body` in a write transaction: committed when it returns, rolled back when it throws.
    /// A nested call joins the outer transaction.
    func write<T>(_ body: () throws -> T) throws -> T
    /// `body` in a read transaction: every query inside sees one snapshot.
    func read<T>(_ body: () throws -> T) throws -> T
}

/// Which SQL engine a connection speaks.
public enum SQLDialect: Sendable {
    case sqlite, postgresql

    /// The text of a top-level field of a JSON column, to compare with a bound text value.
    func jsonText(_ column: String, _ field: String) -> String {
        switch self {
        case .sqlite: "json_extract(\(column), '$.\(field)')"
        case .postgresql: "(\(column)::jsonb ->> '\(field)')"
        }
    }

    /// The integer of a top-level field of a JSON column, to compare with a bound integer.
    func jsonInteger(_ column: String, _ field: String) -> String {
        switch self {
        case .sqlite: "json_extract(\(column), '$.\(field)')"
        case .postgresql: "(\(column)::jsonb ->> '\(field)')::bigint"
        }
    }

    /// `column` ordered by its bytes, as SQLite orders text: the same order in both engines.
    func binaryOrder(_ column: String) -> String {
        switch self {
        case .sqlite: column
        case .postgresql: "\(column) COLLATE \"C\""
        }
    }

    /// The command queue's order of insertion.
    var queueOrder: String {
        switch self {
        case .sqlite: "rowid"
        case .postgresql: "queue_seq"
        }
    }

    /// Appended to a SELECT inside a write transaction to lock the rows it reads until the commit
    /// (SQLite's write transaction already holds the whole database).
    var forUpdate: String {
        switch self {
        case .sqlite: ""
        case .postgresql: " FOR UPDATE"
        }
    }
}

/// One result row, read by 0-based column.
public protocol SQLRow {
    func int64(_ column: Int32) -> Int64
    func isNull(_ column: Int32) -> Bool
    func text(_ column: Int32) -> String
    /// Calls `body` with the column's UTF-8 bytes, without making a `String` of them.
    func withBytes<T>(_ column: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T
}

extension SQLRow {
    public func optionalInt64(_ column: Int32) -> Int64? { isNull(column) ? nil : int64(column) }
    public func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
}

extension SQLConnection {
    /// Every result row, mapped.
    public func rows<T>(_ sql: String, _ values: [SQLValue] = [], _ map: (any SQLRow) throws -> T) throws -> [T] {
        var result: [T] = []
        try forEachRow(sql, values) { result.append(try map($0)) }
        return result
    }

    /// The first result row, mapped; nil when there is none.
    public func firstRow<T>(_ sql: String, _ values: [SQLValue] = [], _ map: (any SQLRow) throws -> T) throws -> T? {
        var first: T?
        try forEachRow(sql, values) { row in
            if first == nil { first = try map(row) }
        }
        return first
    }

    @discardableResult
    public func run(_ sql: String) throws -> Int { try run(sql, []) }
}
