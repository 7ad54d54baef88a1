import CPostgres
import Foundation

/// One connection to PostgreSQL through Debian's libpq (issue 19): parameterized statements in
/// text format (amounts stay decimal strings end to end), transactions, and LISTEN/NOTIFY — the
/// change feed a fleet of bots and webs wakes on. Used by one thread at a time, like `Database`.
public final class PostgresConnection {
    let connection: OpaquePointer
    /// Statements prepared on this connection, by their SQL: each is parsed and planned once.
    var prepared: [String: (name: String, parameters: Int32)] = [:]

    /// The schema this connection's tables are in: an account's (`acct_<name>`) or `public`.
    public let schema: String

    /// `url`: a libpq connection string or URI (`postgresql://user@127.0.0.1:5432/alphaengine`,
    /// `?sslmode=require` for TLS). The error never repeats the URL: it may hold a password.
    /// `account`: the account whose schema every table of this connection lives in (made if it
    /// does not exist); nil for `public`, a database holding one account.
    public init(url: String, account: String? = nil) throws(PostgresError) {
        if let account, !Self.isAccountName(account) {
            throw PostgresError(message: "account names are 1 to 40 lowercase letters, digits and underscores: \(account.prefix(60))", sqlState: nil)
        }
        schema = account.map { "acct_\($0)" } ?? "public"
        guard let connection = PQconnectdb(url) else { throw PostgresError(message: "out of memory", sqlState: nil) }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.message(connection)
            PQfinish(connection)
            throw PostgresError(message: "cannot connect: \(message)", sqlState: nil)
        }
        self.connection = connection
        try configureSession()
    }

    /// What every session starts with, again after a reconnect: quiet notices, the account's schema.
    private func configureSession() throws(PostgresError) {
        // NOTICEs ("already exists, skipping") would go to stderr unasked: only warnings and errors.
        _ = try execute("SET client_min_messages TO warning")
        if schema != "public" {
            // The name is checked above (an identifier of our own making), so it is spelled inline.
            _ = try execute("CREATE SCHEMA IF NOT EXISTS \(schema); SET search_path TO \(schema)")
        }
    }

    /// An account's name as a schema's suffix: lowercase letters, digits, underscores.
    public static func isAccountName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 40
            && name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) }
    }

    /// The account's channel for `kind` (`commands`, `events`): NOTIFY reaches the whole
    /// database, so each account's bots and tails listen on their own.
    public func channel(_ kind: String) -> String { "alphaengine_\(kind)_\(schema)" }

    deinit { PQfinish(connection) }

    /// Runs `sql` with `$1`, `$2`… bound to `parameters` (nil is NULL) and returns its rows as
    /// text (nil for NULL). Several statements without parameters may go in one call.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) throws(PostgresError) -> [[String?]] {
        if !isInTransaction { try reconnectIfLost() }
        let result: OpaquePointer?
        if parameters.isEmpty {
            result = PQexec(connection, sql)
        } else {
            // The C strings live until PQexecParams returns.
            let owned = parameters.map { $0.map { strdup($0) } ?? nil }
            defer { owned.forEach { free($0) } }
            let values = owned.map { UnsafePointer<CChar>($0) }
            result = values.withUnsafeBufferPointer { buffer in
                PQexecParams(connection, sql, Int32(parameters.count), nil, buffer.baseAddress, nil, nil, 0)
            }
        }
        guard let result else { throw PostgresError(message: Self.message(connection), sqlState: nil, connectionLost: isLost) }
        defer { PQclear(result) }
        return try Self.rows(of: result, on: self)
    }

    /// The rows of a statement's result, or its error.
    static func rows(of result: OpaquePointer, on connection: PostgresConnection) throws(PostgresError) -> [[String?]] {
        try check(result, on: connection)
        let rows = PQntuples(result), columns = PQnfields(result)
        return (0..<rows).map { row in
            (0..<columns).map { column in
                PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
            }
        }
    }

    /// Throws the error a result carries, with its SQLSTATE.
    static func check(_ result: OpaquePointer, on connection: PostgresConnection) throws(PostgresError) {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY, PGRES_TUPLES_OK:
            return
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            let message = PQresultErrorMessage(result).map { String(cString: $0) } ?? "unknown error"
            // Class 08 is the connection's own trouble; 57P01-03 a server shutting down or starting.
            let lost = connection.isLost || state?.hasPrefix("08") == true || ["57P01", "57P02", "57P03"].contains(state ?? "")
            throw PostgresError(message: message.trimmingCharacters(in: .whitespacesAndNewlines), sqlState: state, connectionLost: lost)
        }
    }

    /// The server is gone (restarted, unreachable): the connection must be reset before use.
    var isLost: Bool { PQstatus(connection) == CONNECTION_BAD }

    /// Connects again after a loss, outside a transaction (one in flight is lost with the
    /// connection). Prepared statements died with the old session.
    func reconnectIfLost() throws(PostgresError) {
        guard isLost else { return }
        PQreset(connection)
        prepared = [:]
        guard !isLost else {
            throw PostgresError(message: "cannot connect: \(Self.message(connection))", sqlState: nil, connectionLost: true)
        }
        try configureSession()
    }

    /// `body` in one transaction: committed when it returns, rolled back when it throws. A nested
    /// call joins the outer transaction.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction { return try body() }
        try execute("BEGIN")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            if isInTransaction { _ = try? execute("ROLLBACK") }
            throw error
        }
    }

    /// True while a transaction is open (or failed and not yet rolled back) on this connection.
    public var isInTransaction: Bool { PQtransactionStatus(connection) != PQTRANS_IDLE && PQtransactionStatus(connection) != PQTRANS_UNKNOWN }

    // MARK: LISTEN/NOTIFY

    /// A NOTIFY received: its channel and payload.
    public struct Notification: Sendable, Equatable {
        public let channel: String
        public let payload: String

        public init(channel: String, payload: String) {
            self.channel = channel
            self.payload = payload
        }
    }

    /// Listens on `channel` (a plain identifier: letters, digits and underscores).
    public func listen(_ channel: String) throws(PostgresError) {
        guard Self.isIdentifier(channel) else { throw PostgresError(message: "not a channel name: \(channel)", sqlState: nil) }
        try execute("LISTEN \(channel)")
    }

    /// Sends `payload` on `channel` (delivered when the sender's transaction commits).
    public func notify(_ channel: String, payload: String = "") throws(PostgresError) {
        try execute("SELECT pg_notify($1, $2)", [channel, payload])
    }

    /// The notifications that arrived, waiting up to `timeoutMilliseconds` for the first: the
    /// socket is polled, so a listener sleeps until PostgreSQL has something to say.
    public func notifications(timeoutMilliseconds: Int32) throws(PostgresError) -> [Notification] {
        var received = try drain()
        guard received.isEmpty else { return received }
        var descriptor = pollfd(fd: PQsocket(connection), events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, timeoutMilliseconds) > 0 else { return [] }
        received = try drain()
        return received
    }

    private func drain() throws(PostgresError) -> [Notification] {
        guard PQconsumeInput(connection) == 1 else { throw PostgresError(message: Self.message(connection), sqlState: nil, connectionLost: true) }
        var received: [Notification] = []
        while let notice = PQnotifies(connection) {
            received.append(Notification(channel: String(cString: notice.pointee.relname), payload: String(cString: notice.pointee.extra)))
            PQfreemem(notice)
        }
        return received
    }

    private static func isIdentifier(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 63 && text.utf8.allSatisfy { $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) }
    }

    static func message(_ connection: OpaquePointer) -> String {
        PQerrorMessage(connection).map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "unknown error"
    }
}

/// What PostgreSQL refused, with its SQLSTATE when it gave one (23505: a unique key taken).
public struct PostgresError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public let sqlState: String?
    /// The server could not be reached or went away: nothing of the statement is known to have
    /// committed unless it was the COMMIT itself.
    public var connectionLost = false

    public init(message: String, sqlState: String?, connectionLost: Bool = false) {
        self.message = message
        self.sqlState = sqlState
        self.connectionLost = connectionLost
    }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var description: String { sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message }
}
