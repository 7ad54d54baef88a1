import AlphaCore

extension EventStore {
    /// `TradeExecuted` events by seq, oldest first unless `newestFirst`: after `afterSeq` (and
    /// before `beforeSeq`), for one symbol and between two fill times (ms, `until` exclusive) when
    /// given. Served by the by-type index; the symbol
    /// and time come from the payload, which is where the exchange's own values are.
    public func trades(symbol: String?, afterSeq: Int64 = 0, beforeSeq: Int64? = nil, newestFirst: Bool = false,
                       fromTime: Int64? = nil, untilTime: Int64? = nil, limit: Int) throws -> [Event] {
        var conditions = ["event_type = 'TradeExecuted'", "seq > ?"]
        var values: [SQLValue] = [.integer(afterSeq)]
        if let beforeSeq {
            conditions.append("seq < ?")
            values.append(.integer(beforeSeq))
        }
        if let symbol {
            conditions.append("\(database.dialect.jsonText("payload_json", "symbol")) = ?")
            values.append(.text(symbol))
        }
        if let fromTime {
            conditions.append("\(database.dialect.jsonInteger("payload_json", "time")) >= ?")
            values.append(.integer(fromTime))
        }
        if let untilTime {
            conditions.append("\(database.dialect.jsonInteger("payload_json", "time")) < ?")
            values.append(.integer(untilTime))
        }
        values.append(.integer(Int64(limit)))
        return try database.rows("""
            SELECT \(Self.columns) FROM event_store WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq\(newestFirst ? " DESC" : "") LIMIT ?
            """, values, Self.decode)
    }
}
