import AlphaCore

/// `command_store` on PostgreSQL (issue 19): the same queue as SQLite's `CommandStore` — inserts
/// idempotent by key, status changes guarded by the command state machine — with claims made
/// exactly once between processes by `FOR UPDATE SKIP LOCKED`, and every insert announced on
/// the `alphaengine_commands` channel, so a bot waits on LISTEN rather than polling.
public final class PostgresCommandStore: CommandQueue {
    public let connection: PostgresConnection
    /// The channel an insert notifies (its payload is the command id): the account's own.
    public var channel: String { connection.channel("commands") }

    /// `migrating`: bring the schema up to date first (a `PostgresStorage` has done it already).
    public init(connection: PostgresConnection, migrating: Bool = true) throws {
        self.connection = connection
        if migrating { try PostgresSchema.migrate(connection) }
    }

    private static let columns = CommandStore.columns
    private static let placeholders = (1...20).map { "$\($0)" }.joined(separator: ", ")

    public func insert(_ command: Command) throws -> CommandInsertOutcome {
        try CommandStore.checkNew(command)
        let inserted = try connection.transaction {
            let rows = try connection.execute("""
                INSERT INTO command_store (\(Self.columns)) VALUES (\(Self.placeholders))
                ON CONFLICT (idempotency_key) DO NOTHING RETURNING command_id
                """, CommandStore.values(command))
            if !rows.isEmpty { try connection.notify(channel, payload: command.id) }
            return !rows.isEmpty
        }
        if inserted { return .inserted(command) }
        guard let existing = try self.command(idempotencyKey: command.idempotencyKey) else {
            throw StoreError.notFound("command with idempotency key \(command.idempotencyKey)")
        }
        return .existing(existing)
    }

    /// The highest-priority, oldest NEW command, moved to SENT in one statement: the row is locked
    /// by the claimer that found it, and another claimer skips it rather than waiting or taking it.
    public func claimNext(excluding: Set<CommandType>, now: Timestamp) throws -> Command? {
        // The excluded types are our own enum's raw values, never user text, so they are spelled inline.
        let filter = excluding.isEmpty ? "" : " AND command_type NOT IN (" + excluding.map { "'\($0.rawValue)'" }.sorted().joined(separator: ",") + ")"
        return try connection.execute("""
            UPDATE command_store SET status = 'SENT', claimed_at = $1, updated_at = $1
            WHERE status = 'NEW' AND command_id = (SELECT command_id FROM command_store WHERE status = 'NEW'\(filter)
                                                   ORDER BY priority DESC, queue_seq LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING \(Self.columns)
            """, [now.iso8601]).first.map(Self.decode)
    }

    public func acknowledge(_ id: String, result: JSONObject, now: Timestamp) throws -> Command {
        try transition(id, to: .acknowledged, result: result, error: nil, now: now)
    }

    public func fail(_ id: String, error: String, result: JSONObject?, now: Timestamp) throws -> Command {
        try transition(id, to: .failed, result: result, error: error, now: now)
    }

    /// Changes a command's status if the command state machine allows it (the row locked meanwhile).
    public func transition(_ id: String, to next: CommandStatus, result: JSONObject?, error: String?, now: Timestamp) throws -> Command {
        try connection.transaction {
            guard let row = try connection.execute("SELECT \(Self.columns) FROM command_store WHERE command_id = $1 FOR UPDATE", [id]).first else {
                throw StoreError.notFound("command \(id)")
            }
            let current = try Self.decode(row)
            do throws(IllegalTransition<CommandStatus>) {
                _ = try current.status.transition(to: next)
            } catch {
                throw StoreError.illegalCommandTransition(error)
            }
            guard let updated = try connection.execute("""
                UPDATE command_store SET status = $1, result_json = COALESCE($2, result_json), last_error = COALESCE($3, last_error),
                    updated_at = $4
                WHERE command_id = $5 RETURNING \(Self.columns)
                """, [next.rawValue, result?.serialized, error, now.iso8601, id]).first
            else { throw StoreError.notFound("command \(id)") }
            return try Self.decode(updated)
        }
    }

    public func command(id: String) throws -> Command? {
        try connection.execute("SELECT \(Self.columns) FROM command_store WHERE command_id = $1", [id]).first.map(Self.decode)
    }

    public func command(idempotencyKey: String) throws -> Command? {
        try connection.execute("SELECT \(Self.columns) FROM command_store WHERE idempotency_key = $1", [idempotencyKey]).first.map(Self.decode)
    }

    /// Commands newest first, optionally by status and type, before a command (by queue order).
    public func list(status: CommandStatus?, type: CommandType?, before: String?, limit: Int) throws -> [Command] {
        var conditions: [String] = []
        var values: [String?] = []
        func bind(_ value: String) -> String {
            values.append(value)
            return "$\(values.count)"
        }
        if let before { conditions.append("queue_seq < (SELECT queue_seq FROM command_store WHERE command_id = \(bind(before)))") }
        if let status { conditions.append("status = \(bind(status.rawValue))") }
        if let type { conditions.append("command_type = \(bind(type.rawValue))") }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try connection.execute("SELECT \(Self.columns) FROM command_store \(whereClause) ORDER BY queue_seq DESC LIMIT \(bind(String(limit)))",
                                      values).map(Self.decode)
    }

    public func inFlight() throws -> [Command] {
        try connection.execute("SELECT \(Self.columns) FROM command_store WHERE status = 'SENT' ORDER BY queue_seq").map(Self.decode)
    }

    public func countsByStatus() throws -> [CommandStatus: Int64] {
        var counts: [CommandStatus: Int64] = [:]
        for row in try connection.execute("SELECT status, count(*) FROM command_store GROUP BY status") {
            if let status = row[0].flatMap(CommandStatus.init(rawValue:)), let count = row[1].flatMap({ Int64($0) }) { counts[status] = count }
        }
        return counts
    }

    private static func decode(_ row: [String?]) throws -> Command {
        try CommandStore.decode(table: "command_store (PostgreSQL)") { row.indices.contains($0) ? row[$0] : nil }
    }
}
