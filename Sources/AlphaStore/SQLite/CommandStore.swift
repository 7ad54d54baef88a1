import AlphaCore

/// What inserting a command did.
public enum CommandInsertOutcome: Sendable, Equatable {
    case inserted(Command)
    /// A command with the same idempotency key exists; this is it, unchanged.
    case existing(Command)

    public var command: Command {
        switch self {
        case .inserted(let command), .existing(let command): command
        }
    }
}

/// `command_store`: idempotent inserts, atomic claims, and status changes guarded by the
/// command state machine (DESIGN §4, §6).
public final class CommandStore {
    public let database: any SQLConnection

    public init(database: any SQLConnection) { self.database = database }

    static let columns = """
        command_id, command_type, ts, correlation_id, causation_id, actor_kind, actor_id, scope_exchange,
        scope_venue, scope_account_id, scope_symbol, scope_mode, idempotency_key, status, priority, payload_json,
        result_json, last_error, claimed_at, updated_at
        """

    /// Maximum length of an idempotency key (an `Idempotency-Key` header, say).
    public static let maximumIdempotencyKeyLength = 200

    /// Inserts a NEW command, or returns the command already stored under its idempotency key.
    public func insert(_ command: Command) throws -> CommandInsertOutcome {
        try Self.checkNew(command)
        return try database.write {
            let changed = try database.run("""
                INSERT INTO command_store (\(Self.columns))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (idempotency_key) DO NOTHING
                """, Self.values(command).enumerated().map { index, value in
                    index == 14 ? .integer(Int64(command.priority)) : .optional(value)
                })
            if changed == 1 { return .inserted(command) }
            guard let existing = try self.command(idempotencyKey: command.idempotencyKey) else {
                throw StoreError.notFound("command with idempotency key \(command.idempotencyKey)")
            }
            return .existing(existing)
        }
    }

    /// What every store refuses to insert: a malformed id or idempotency key, a status other than NEW.
    static func checkNew(_ command: Command) throws {
        guard Identifier.isValid(command.id) else {
            throw StoreError.invalidCommand("command id must be 32 lowercase hex digits")
        }
        guard !command.idempotencyKey.isEmpty, command.idempotencyKey.utf8.count <= Self.maximumIdempotencyKeyLength else {
            throw StoreError.invalidCommand("idempotency key must be 1 to \(Self.maximumIdempotencyKeyLength) bytes")
        }
        guard command.status == .new else { throw StoreError.invalidCommand("a new command must have status NEW") }
    }

    /// The values of `columns` for a new command, as text (NULL as nil), in order.
    static func values(_ command: Command) -> [String?] {
        [command.id, command.type.rawValue, command.ts.iso8601, command.correlationID, command.causationID, command.actor.kind.rawValue,
         command.actor.id, command.scope.exchange, command.scope.venue, command.scope.accountID, command.scope.symbol,
         command.scope.mode.rawValue, command.idempotencyKey, command.status.rawValue, String(command.priority),
         command.payload.serialized, command.result?.serialized, command.lastError, command.claimedAt?.iso8601, command.updatedAt.iso8601]
    }

    /// Claims the highest-priority, oldest NEW command by moving it to SENT in one statement, so
    /// two claimers can never get the same command. Returns nil when none is waiting.
    /// Commands of the `excluding` types wait (the bot skips exchange commands while rate limited).
    public func claimNext(excluding: Set<CommandType> = [], now: Timestamp = .now()) throws -> Command? {
        // The excluded types are our own enum's raw values, never user text, so they are spelled inline.
        let filter = excluding.isEmpty ? "" : " AND command_type NOT IN (" + excluding.map { "'\($0.rawValue)'" }.sorted().joined(separator: ",") + ")"
        return try database.write {
            try database.firstRow("""
                UPDATE command_store SET status = 'SENT', claimed_at = ?1, updated_at = ?1
                WHERE rowid = (SELECT rowid FROM command_store WHERE status = 'NEW'\(filter) ORDER BY priority DESC, rowid LIMIT 1)
                RETURNING \(Self.columns)
                """, [.text(now.iso8601)], Self.decode)
        }
    }

    /// Moves a claimed command to ACK with its result.
    @discardableResult
    public func acknowledge(_ id: String, result: JSONObject = JSONObject(), now: Timestamp = .now()) throws -> Command {
        try transition(id, to: .acknowledged, result: result, error: nil, now: now)
    }

    /// Moves a command to FAILED with the reason.
    @discardableResult
    public func fail(_ id: String, error: String, result: JSONObject? = nil, now: Timestamp = .now()) throws -> Command {
        try transition(id, to: .failed, result: result, error: error, now: now)
    }

    /// Changes a command's status if the command state machine allows it.
    public func transition(_ id: String, to next: CommandStatus, result: JSONObject?, error: String?,
                           now: Timestamp = .now()) throws -> Command {
        try database.write {
            guard let current = try command(id: id) else { throw StoreError.notFound("command \(id)") }
            do throws(IllegalTransition<CommandStatus>) {
                _ = try current.status.transition(to: next)
            } catch {
                throw StoreError.illegalCommandTransition(error)
            }
            guard let updated = try database.firstRow("""
                UPDATE command_store SET status = ?, result_json = COALESCE(?, result_json),
                    last_error = COALESCE(?, last_error), updated_at = ?
                WHERE command_id = ? AND status = ?
                RETURNING \(Self.columns)
                """, [
                    .text(next.rawValue), .optional(result?.serialized), .optional(error), .text(now.iso8601),
                    .text(id), .text(current.status.rawValue),
                ], Self.decode)
            else { throw StoreError.notFound("command \(id) in status \(current.status.rawValue)") }
            return updated
        }
    }

    public func command(id: String) throws -> Command? {
        try database.firstRow("SELECT \(Self.columns) FROM command_store WHERE command_id = ?", [.text(id)], Self.decode)
    }

    public func command(idempotencyKey: String) throws -> Command? {
        try database.firstRow("SELECT \(Self.columns) FROM command_store WHERE idempotency_key = ?", [.text(idempotencyKey)], Self.decode)
    }

    /// Commands newest first, optionally by status and type.
    public func list(status: CommandStatus?, type: CommandType?, before: String?, limit: Int) throws -> [Command] {
        var conditions: [String] = []
        var values: [SQLValue] = []
        if let before {
            // Queue order is rowid order; an unknown id matches nothing (the caller checks it).
            conditions.append("rowid < (SELECT rowid FROM command_store WHERE command_id = ?)")
            values.append(.text(before))
        }
        if let status {
            conditions.append("status = ?")
            values.append(.text(status.rawValue))
        }
        if let type {
            conditions.append("command_type = ?")
            values.append(.text(type.rawValue))
        }
        values.append(.integer(Int64(limit)))
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try database.rows("SELECT \(Self.columns) FROM command_store \(whereClause) ORDER BY rowid DESC LIMIT ?", values, Self.decode)
    }

    /// Commands claimed but not finished: after a crash, each one's outcome must be checked with
    /// the exchange before anything is sent again (DESIGN §6).
    public func inFlight() throws -> [Command] {
        try database.rows("SELECT \(Self.columns) FROM command_store WHERE status = 'SENT' ORDER BY rowid", [], Self.decode)
    }

    /// How many commands are in each status.
    public func countsByStatus() throws -> [CommandStatus: Int64] {
        var counts: [CommandStatus: Int64] = [:]
        for (status, count) in try database.rows("SELECT status, COUNT(*) FROM command_store GROUP BY status", [], { ($0.text(0), $0.int64(1)) }) {
            if let status = CommandStatus(rawValue: status) { counts[status] = count }
        }
        return counts
    }

    static func decode(_ row: any SQLRow) throws -> Command {
        try decode(table: "command_store") { row.optionalText(Int32($0)) }
    }

    /// A row of `columns`, read as text by position (SQLite's and PostgreSQL's rows alike).
    static func decode(table: String, _ column: (Int) -> String?) throws -> Command {
        func corrupt(_ reason: String) -> StoreError { .corruptRow(table: table, reason: reason) }
        func text(_ index: Int) -> String { column(index) ?? "" }
        guard let type = CommandType(rawValue: text(1)) else { throw corrupt("unknown command type \(text(1))") }
        guard let ts = Timestamp(iso8601: text(2)), let updatedAt = Timestamp(iso8601: text(19)) else {
            throw corrupt("bad timestamp")
        }
        guard let kind = Actor.Kind(rawValue: text(5)), let mode = TradingMode(rawValue: text(11)),
              let status = CommandStatus(rawValue: text(13)), let priority = Int(text(14))
        else { throw corrupt("unknown actor kind, mode or status, or a bad priority") }
        let claimedAt = try column(18).map { text in
            guard let claimed = Timestamp(iso8601: text) else { throw corrupt("bad claimed_at") }
            return claimed
        }
        return Command(
            id: text(0), type: type, ts: ts, correlationID: text(3), causationID: column(4),
            actor: Actor(kind: kind, id: text(6)),
            scope: Scope(exchange: text(7), venue: text(8), accountID: text(9), symbol: column(10), mode: mode),
            idempotencyKey: text(12), status: status, priority: priority,
            payload: try JSONParser.parseObject(text(15)),
            result: try column(16).map { try JSONParser.parseObject($0) },
            lastError: column(17), claimedAt: claimedAt, updatedAt: updatedAt
        )
    }
}
