import AlphaCore

/// Reads `event_store`. Appending is `EventWriter`'s job alone, so that every append also
/// advances the projections in the same transaction.
public final class EventStore {
    public let database: any SQLConnection

    public init(database: any SQLConnection) { self.database = database }

    static let columns = """
        seq, event_id, event_type, ts, correlation_id, causation_id, command_id, source, entity_kind, entity_id,
        scope_exchange, scope_venue, scope_account_id, scope_symbol, scope_mode, dedup_key, payload_json
        """

    public func event(id: String) throws -> Event? {
        try database.firstRow("SELECT \(Self.columns) FROM event_store WHERE event_id = ?", [.text(id)], Self.decode)
    }

    public func event(seq: Int64) throws -> Event? {
        try database.firstRow("SELECT \(Self.columns) FROM event_store WHERE seq = ?", [.integer(seq)], Self.decode)
    }

    public func event(dedupKey: String) throws -> Event? {
        try database.firstRow("SELECT \(Self.columns) FROM event_store WHERE dedup_key = ?", [.text(dedupKey)], Self.decode)
    }

    /// Events with `seq > after`, oldest first: how SSE and the projection catch-up tail the log.
    public func events(after seq: Int64, limit: Int = 1000) throws -> [Event] {
        try database.rows("SELECT \(Self.columns) FROM event_store WHERE seq > ? ORDER BY seq LIMIT ?", [.integer(seq), .integer(Int64(limit))], Self.decode)
    }

    /// Events matching every condition the filter sets, at most `limit`, oldest first unless the
    /// filter says `newestFirst`.
    public func events(matching filter: EventFilter, limit: Int = 1000) throws -> [Event] {
        let (sql, values) = Self.query(filter, limit: limit)
        return try database.rows(sql, values, Self.decode)
    }

    /// The newest event that matches `filter` (the latest strategy state, say), or nil.
    public func latest(matching filter: EventFilter) throws -> Event? {
        var filter = filter
        filter.newestFirst = true
        let (sql, values) = Self.query(filter, limit: 1)
        return try database.rows(sql, values, Self.decode).first
    }

    /// The SELECT for `filter`, and its bound values.
    static func query(_ filter: EventFilter, limit: Int) -> (String, [SQLValue]) {
        var conditions = ["seq > ?"]
        var values: [SQLValue] = [.integer(filter.afterSeq)]
        if let before = filter.beforeSeq {
            conditions.append("seq < ?")
            values.append(.integer(before))
        }
        if let types = filter.types, !types.isEmpty {
            conditions.append("event_type IN (\(Array(repeating: "?", count: types.count).joined(separator: ",")))")
            values += types.map(\.rawValue).sorted().map { .text($0) }
        }
        if let kind = filter.entityKind {
            conditions.append("entity_kind = ?")
            values.append(.text(kind.rawValue))
        }
        if let id = filter.entityID {
            conditions.append("entity_id = ?")
            values.append(.text(id))
        }
        // ISO-8601 UTC with fixed width sorts like time, so text comparison is exact.
        if let from = filter.from {
            conditions.append("ts >= ?")
            values.append(.text(from.iso8601))
        }
        if let until = filter.until {
            conditions.append("ts < ?")
            values.append(.text(until.iso8601))
        }
        values.append(.integer(Int64(limit)))
        return ("SELECT \(columns) FROM event_store WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq\(filter.newestFirst ? " DESC" : "") LIMIT ?", values)
    }

    /// Calls `body` for every event after `seq` in order, without holding them all in memory.
    /// Read in pages, so a client that buffers whole results (libpq) holds one page at a time.
    public func forEach(after seq: Int64 = 0, _ body: (Event) throws -> Void) throws {
        var last = seq
        while true {
            let page = try events(after: last, limit: Self.pageSize)
            for event in page { try body(event) }
            guard page.count == Self.pageSize, let next = page.last?.seq else { return }
            last = next
        }
    }

    static let pageSize = 5_000

    /// The highest stored seq, 0 when empty.
    public func lastSeq() throws -> Int64 {
        try database.firstRow("SELECT COALESCE(MAX(seq), 0) FROM event_store") { $0.int64(0) } ?? 0
    }

    public func count() throws -> Int64 {
        try database.firstRow("SELECT COUNT(*) FROM event_store") { $0.int64(0) } ?? 0
    }

    /// How many events of each of `types` are stored (on the type index: no table scan).
    public func counts(of types: Set<EventType>) throws -> [EventType: Int64] {
        var counts: [EventType: Int64] = [:]
        for type in types {
            counts[type] = try database.firstRow("SELECT COUNT(*) FROM event_store WHERE event_type = ?", [.text(type.rawValue)]) { $0.int64(0) } ?? 0
        }
        return counts
    }

    static func decode(_ row: any SQLRow) throws -> Event {
        let typeName = row.text(2)
        guard let type = EventType(rawValue: typeName) else {
            throw StoreError.corruptRow(table: "event_store", reason: "unknown event type \(typeName)")
        }
        guard let ts = Timestamp(iso8601: row.text(3)) else {
            throw StoreError.corruptRow(table: "event_store", reason: "bad timestamp \(row.text(3))")
        }
        guard let source = EventSource(rawValue: row.text(7)), let kind = EntityKind(rawValue: row.text(8)),
              let mode = TradingMode(rawValue: row.text(14))
        else { throw StoreError.corruptRow(table: "event_store", reason: "unknown source, entity kind or mode") }
        let payload = try row.withBytes(16) { bytes in
            guard case .object(let object) = try JSONParser.parse(bytes) else {
                throw StoreError.corruptRow(table: "event_store", reason: "payload is not an object")
            }
            return object
        }
        return Event(
            seq: row.int64(0), id: row.text(1), type: type, ts: ts, correlationID: row.text(4),
            causationID: row.optionalText(5), commandID: row.optionalText(6), source: source,
            entityKind: kind, entityID: row.text(9),
            scope: Scope(exchange: row.text(10), venue: row.text(11), accountID: row.text(12),
                         symbol: row.optionalText(13), mode: mode),
            dedupKey: row.text(15), payload: payload
        )
    }
}

/// Conditions for reading events; each one set narrows the result.
public struct EventFilter: Sendable, Equatable {
    public var afterSeq: Int64 = 0
    /// Exclusive upper bound on seq: with `newestFirst`, how a page of older events is asked for.
    public var beforeSeq: Int64?
    /// Newest first instead of oldest first.
    public var newestFirst = false
    public var types: Set<EventType>?
    public var entityKind: EntityKind?
    public var entityID: String?
    /// Inclusive lower bound on the recording time.
    public var from: Timestamp?
    /// Exclusive upper bound on the recording time.
    public var until: Timestamp?

    public init(afterSeq: Int64 = 0, beforeSeq: Int64? = nil, newestFirst: Bool = false, types: Set<EventType>? = nil,
                entityKind: EntityKind? = nil, entityID: String? = nil, from: Timestamp? = nil, until: Timestamp? = nil) {
        self.afterSeq = afterSeq
        self.beforeSeq = beforeSeq
        self.newestFirst = newestFirst
        self.types = types
        self.entityKind = entityKind
        self.entityID = entityID
        self.from = from
        self.until = until
    }
}
