import AlphaCore

/// One message waiting for (or done with) one destination.
public struct OutboxItem: Sendable, Equatable {
    public var id: Int64
    /// "slack" or "telegram".
    public var destination: String
    /// Names the fact reported (an event's seq, a day): the same key is queued once per destination.
    public var dedupKey: String
    public var kind: String
    /// Messages on the same topic (one drift, one risk rule) within the quiet window are dropped.
    public var topic: String?
    /// The message as JSON text (title and lines), formatted for its destination when it is sent.
    public var message: String
    /// Milliseconds since the epoch (UTC).
    public var createdAt: Int64
    public var attempts: Int64

    public init(id: Int64 = 0, destination: String, dedupKey: String, kind: String, topic: String? = nil, message: String,
                createdAt: Int64, attempts: Int64 = 0) {
        self.id = id
        self.destination = destination
        self.dedupKey = dedupKey
        self.kind = kind
        self.topic = topic
        self.message = message
        self.createdAt = createdAt
        self.attempts = attempts
    }
}

/// How a destination's queue stands (for `/metrics` and the status line).
public struct OutboxCounts: Sendable, Equatable {
    public var pending: Int64 = 0
    public var delivered: Int64 = 0
    public var failed: Int64 = 0
    public init() {}
}

/// `notification_outbox` and `notifier_cursors`. Rows are written in the same transaction as
/// the cursor that produced them, so a crash either keeps both or neither.
public final class NotificationStore: NotificationOutbox {
    public let database: any SQLConnection

    public init(database: any SQLConnection) { self.database = database }

    public func cursor(_ name: String) throws -> Int64? {
        try database.firstRow("SELECT position FROM notifier_cursors WHERE name = ?", [.text(name)]) { $0.int64(0) }
    }

    public func setCursor(_ name: String, to position: Int64) throws {
        _ = try database.write {
            try database.run("""
                INSERT INTO notifier_cursors (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position
                """, [.text(name), .integer(position)])
        }
    }

    public func enqueue(_ items: [OutboxItem], quietMilliseconds: Int64, advancing cursor: (name: String, position: Int64)?) throws -> Int {
        try database.write {
            let recent = "SELECT 1 FROM notification_outbox WHERE destination = ? AND topic = ? AND created_at > ? LIMIT 1"
            let insert = """
                INSERT INTO notification_outbox (destination, dedup_key, kind, topic, message, created_at, next_attempt_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """
            var queued = 0
            for item in items {
                if let topic = item.topic, quietMilliseconds > 0,
                   try database.firstRow(recent, [.text(item.destination), .text(topic), .integer(item.createdAt - quietMilliseconds)], { _ in true }) != nil {
                    continue
                }
                queued += try database.run(insert, [.text(item.destination), .text(item.dedupKey), .text(item.kind), .optional(item.topic),
                                          .text(item.message), .integer(item.createdAt), .integer(item.createdAt)])
            }
            if let cursor { try setCursor(cursor.name, to: cursor.position) }
            return queued
        }
    }

    public func next(destination: String) throws -> (item: OutboxItem, dueAt: Int64)? {
        try database.firstRow("""
            SELECT id, destination, dedup_key, kind, topic, message, created_at, attempts, next_attempt_at FROM notification_outbox
            WHERE destination = ? AND delivered_at IS NULL AND failed_at IS NULL ORDER BY id LIMIT 1
            """, [.text(destination)]) { row in
            (OutboxItem(id: row.int64(0), destination: row.text(1), dedupKey: row.text(2), kind: row.text(3), topic: row.optionalText(4),
                        message: row.text(5), createdAt: row.int64(6), attempts: row.int64(7)), row.int64(8))
        }
    }

    public func delivered(_ id: Int64, at time: Int64) throws {
        _ = try database.write {
            try database.run("UPDATE notification_outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?", [.integer(time), .integer(id)])
        }
    }

    public func retry(_ id: Int64, at time: Int64, error: String) throws {
        _ = try database.write {
            try database.run("UPDATE notification_outbox SET next_attempt_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ?", [.integer(time), .text(error), .integer(id)])
        }
    }

    public func failed(_ id: Int64, at time: Int64, error: String) throws {
        _ = try database.write {
            try database.run("UPDATE notification_outbox SET failed_at = ?, attempts = attempts + 1, last_error = ? WHERE id = ?", [.integer(time), .text(error), .integer(id)])
        }
    }

    public func counts() throws -> [String: OutboxCounts] {
        var counts: [String: OutboxCounts] = [:]
        _ = try database.rows("""
            SELECT destination, SUM(CASE WHEN delivered_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END),
                   SUM(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END)
            FROM notification_outbox GROUP BY destination
            """) { row in
            var entry = OutboxCounts()
            entry.pending = row.int64(1)
            entry.delivered = row.int64(2)
            entry.failed = row.int64(3)
            counts[row.text(0)] = entry
        }
        return counts
    }

    public func items(destination: String) throws -> [OutboxItem] {
        try database.rows("""
            SELECT id, destination, dedup_key, kind, topic, message, created_at, attempts FROM notification_outbox WHERE destination = ? ORDER BY id
            """, [.text(destination)]) { row in
            OutboxItem(id: row.int64(0), destination: row.text(1), dedupKey: row.text(2), kind: row.text(3), topic: row.optionalText(4),
                       message: row.text(5), createdAt: row.int64(6), attempts: row.int64(7))
        }
    }
}
