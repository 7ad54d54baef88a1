import AlphaCore

/// Moving an account's whole history between stores (issue 19: `alphaengine db copy`): from its
/// SQLite file into PostgreSQL, and back. Every table is copied row for row in one transaction on
/// the target (events with their own seqs), the projections are rebuilt there from the events
/// (rule 7), and a digest of every table tells a copy from its source (`db verify --against`).
public enum StoreCopy {
    /// A table as copied and digested: its columns in a fixed order, and a key that orders its
    /// rows the same way in both engines.
    struct Table {
        let name: String
        let columns: [String]
        let key: [String]
        /// Ordered by the engine's insertion order instead of `key` (the command queue).
        var queueOrdered = false
        /// Read in pages by this integer key (the event store, which may hold millions).
        var pagedBy: String?
        /// Key columns that hold integers (the rest are text, ordered by their bytes).
        var integerKeys: Set<String> = []
    }

    static let tables: [Table] = [
        Table(name: "event_store", columns: ["seq", "event_id", "event_type", "ts", "correlation_id", "causation_id", "command_id", "source",
                                             "entity_kind", "entity_id", "scope_exchange", "scope_venue", "scope_account_id", "scope_symbol",
                                             "scope_mode", "dedup_key", "payload_json"], key: ["seq"], pagedBy: "seq"),
        Table(name: "command_store", columns: CommandStore.columns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) },
              key: ["command_id"], queueOrdered: true),
        Table(name: "config_store", columns: ["key", "value_json", "version", "updated_at", "updated_by"], key: ["key"]),
        Table(name: "users", columns: ["name", "role", "password_hash", "created_at", "disabled_at", "sessions_valid_after"], key: ["name"]),
        Table(name: "api_tokens", columns: ["id", "name", "role", "secret_hash", "created_by", "created_at", "last_used_at", "revoked_at"], key: ["id"]),
        Table(name: "revoked_sessions", columns: ["token_id", "expires_at"], key: ["token_id"]),
        Table(name: "market_candles", columns: ["symbol", "timeframe", "open_time", "close_time", "open", "high", "low", "close", "volume",
                                                "quote_volume", "trades"], key: ["symbol", "timeframe", "open_time"], integerKeys: ["open_time"]),
        Table(name: "market_marks", columns: ["symbol", "price", "funding_rate", "next_funding_time", "time"], key: ["symbol"]),
        Table(name: "market_symbols", columns: ["symbol", "tick_size", "step_size", "min_quantity", "max_quantity", "min_notional", "updated_at"],
              key: ["symbol"]),
        Table(name: "backtest_runs", columns: ["id", "created_at", "requested_by", "status", "strategy", "request_json", "summary_json",
                                               "report_json", "error", "finished_at"], key: ["id"]),
        // The outbox's ids are the engine's own numbering: rows keep their order, not their ids.
        Table(name: "notification_outbox", columns: ["destination", "dedup_key", "kind", "topic", "message", "created_at", "attempts",
                                                     "next_attempt_at", "delivered_at", "failed_at", "last_error"], key: ["id"], integerKeys: ["id"]),
        Table(name: "notifier_cursors", columns: ["name", "position"], key: ["name"]),
    ]

    /// What was copied, table by table.
    public struct Report: Sendable, CustomStringConvertible {
        public var rows: [(table: String, count: Int64)] = []
        public init() {}
        public var events: Int64 { rows.first { $0.table == "event_store" }?.count ?? 0 }
        public var description: String { rows.map { "\($0.count) \($0.table)" }.joined(separator: ", ") }
    }

    /// Copies everything in `source` into `target`, which must hold no events, commands or users
    /// yet (a copy never merges): all of it in one transaction, so a failure leaves the target as
    /// it was. The source is read in one snapshot.
    public static func copy(from source: any SQLConnection, to target: any SQLConnection, pageSize: Int = 2_000) throws -> Report {
        var report = Report()
        try source.read {
            try target.write {
                for table in ["event_store", "command_store", "users"] {
                    let rows = try target.firstRow("SELECT count(*) FROM \(table)") { $0.int64(0) } ?? 0
                    guard rows == 0 else { throw StoreError.targetNotEmpty(table: table, rows: rows) }
                }
                // The target's own first-run rows (a default configuration) give way to the source's.
                for table in tables where table.name != "event_store" { try target.execute("DELETE FROM \(table.name)") }
                for table in tables {
                    var copied: Int64 = 0
                    try forEachPage(of: table, in: source, pageSize: pageSize) { rows in
                        try insert(rows, into: table, on: target)
                        copied += Int64(rows.count)
                    }
                    report.rows.append((table.name, copied))
                }
                try ProjectionStore(database: target).replaceAll(with: try EventWriter.replay(EventStore(database: target)).state)
            }
        }
        return report
    }

    /// A digest of every copied table (rows and a hash of their text, in key order) and of the
    /// projections: equal digests, equal stores.
    public static func digest(_ connection: any SQLConnection) throws -> [(table: String, rows: Int64, hash: UInt64)] {
        var result: [(String, Int64, UInt64)] = []
        try connection.read {
            for table in tables {
                var hash = FNV1a()
                var rows: Int64 = 0
                try forEachPage(of: table, in: connection, pageSize: 5_000) { page in
                    for row in page {
                        for value in row { hash.add(value) }
                        rows += 1
                    }
                }
                result.append((table.name, rows, hash.value))
            }
        }
        return result
    }

    /// `body` with the table's rows in key order, a page at a time (values as text, nil for NULL).
    private static func forEachPage(of table: Table, in connection: any SQLConnection, pageSize: Int,
                                    _ body: ([[String?]]) throws -> Void) throws {
        let columns = table.columns.joined(separator: ", ")
        let read: (any SQLRow) -> [String?] = { row in (0..<Int32(table.columns.count)).map { row.isNull($0) ? nil : row.text($0) } }
        if let paged = table.pagedBy {
            var last: Int64 = .min
            while true {
                var page: [[String?]] = []
                var lastKey = last
                try connection.forEachRow("SELECT \(paged), \(columns) FROM \(table.name) WHERE \(paged) > ? ORDER BY \(paged) LIMIT ?",
                                          [.integer(last), .integer(Int64(pageSize))]) { row in
                    lastKey = row.int64(0)
                    page.append((1...Int32(table.columns.count)).map { row.isNull($0) ? nil : row.text($0) })
                }
                if !page.isEmpty { try body(page) }
                guard page.count == pageSize else { return }
                last = lastKey
            }
        }
        let order = table.queueOrdered ? connection.dialect.queueOrder
            : table.key.map { table.integerKeys.contains($0) ? $0 : connection.dialect.binaryOrder($0) }.joined(separator: ", ")
        try body(try connection.rows("SELECT \(columns) FROM \(table.name) ORDER BY \(order)", [], read))
    }

    /// Inserts rows, several to a statement (a round trip per row would dominate on PostgreSQL).
    private static func insert(_ rows: [[String?]], into table: Table, on target: any SQLConnection) throws {
        let columns = table.columns.joined(separator: ", ")
        let one = "(" + Array(repeating: "?", count: table.columns.count).joined(separator: ", ") + ")"
        let perStatement = max(1, 500 / table.columns.count)
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + perStatement)]
            let values: [SQLValue] = chunk.flatMap { row in row.map { $0.map(SQLValue.text) ?? .null } }
            try target.run("INSERT INTO \(table.name) (\(columns)) VALUES " + Array(repeating: one, count: chunk.count).joined(separator: ", "), values)
            start += chunk.count
        }
    }
}

/// 64-bit FNV-1a over the values' bytes, a separator after each: a copy's check, not a defence
/// against anyone forging rows.
struct FNV1a {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String?) {
        for byte in text?.utf8 ?? "\u{0}NULL".utf8 { mix(byte) }
        mix(0x1F)
    }

    private mutating func mix(_ byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x0000_0100_0000_01B3
    }
}
