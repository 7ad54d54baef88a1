import AlphaCore

/// One stored event read in place, its payload left as the JSON text it was stored as: for
/// answers that pass events on (API pages, SSE), which would otherwise parse every payload only to
/// write it out again. Valid only inside the `forEachRow` call that gives it.
public struct EventRow: ~Copyable {
    let statement: any SQLRow

    public var seq: Int64 { statement.int64(0) }
    public var id: String { statement.text(1) }
    public var type: String { statement.text(2) }
    /// ISO-8601 UTC with milliseconds, as stored.
    public var ts: String { statement.text(3) }
    public var correlationID: String { statement.text(4) }
    public var causationID: String? { statement.optionalText(5) }
    public var commandID: String? { statement.optionalText(6) }
    public var source: String { statement.text(7) }
    public var entityKind: String { statement.text(8) }
    public var entityID: String { statement.text(9) }
    public var exchange: String { statement.text(10) }
    public var venue: String { statement.text(11) }
    public var accountID: String { statement.text(12) }
    public var symbol: String? { statement.optionalText(13) }
    public var mode: String { statement.text(14) }
    public var dedupKey: String { statement.text(15) }

    public func withPayload<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        try statement.withBytes(16, body)
    }
}

extension EventStore {
    /// Calls `body` for each event matching `filter` in the filter's order, at most `limit`, without
    /// decoding payloads (see `EventRow`).
    public func forEachRow(matching filter: EventFilter, limit: Int, _ body: (borrowing EventRow) throws -> Void) throws {
        let (sql, values) = Self.query(filter, limit: limit)
        try database.forEachRow(sql, values) { try body(EventRow(statement: $0)) }
    }
}
