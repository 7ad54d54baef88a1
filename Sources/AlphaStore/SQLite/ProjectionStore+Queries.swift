import AlphaCore

/// Which orders a listing wants.
public enum OrderListFilter: Sendable, Equatable {
    case all, open, closed
    case status(OrderState)
}

/// One day's totals for one asset, as the PnL series lists them.
public struct PnLDay: Sendable, Equatable {
    public let day: String
    public let asset: String
    public let totals: PnLTotals
}

/// Reads the projections answer for the web: pages of orders, the PnL series, positions and
/// balances. Everything comes from rows the bot already keeps up to date; nothing is recomputed.
extension ProjectionStore {
    /// Orders newest first (by time, then client order id), after the cursor `(time, id)` of
    /// the previous page's last order when given.
    public func orders(_ filter: OrderListFilter, symbol: String?, after cursor: (time: Int64, id: String)?,
                       limit: Int) throws -> [OrderPayload] {
        var conditions: [String] = []
        var values: [SQLValue] = []
        switch filter {
        case .all: break
        case .open: conditions.append("status NOT IN (\(Self.terminalStatuses))")
        case .closed: conditions.append("status IN (\(Self.terminalStatuses))")
        case .status(let state):
            conditions.append("status = ?")
            values.append(.text(state.rawValue))
        }
        if let symbol {
            conditions.append("symbol = ?")
            values.append(.text(symbol))
        }
        if let cursor {
            conditions.append("(time < ? OR (time = ? AND client_order_id > ?))")
            values += [.integer(cursor.time), .integer(cursor.time), .text(cursor.id)]
        }
        values.append(.integer(Int64(limit)))
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try database.rows("""
            SELECT \(Self.orderColumns) FROM projection_orders \(whereClause) ORDER BY time DESC, client_order_id LIMIT ?
            """, values, Self.decodeOrder)
    }

    /// Daily totals oldest first, between two UTC days inclusive when given.
    public func pnlDays(from: String?, until: String?, asset: String?) throws -> [PnLDay] {
        var conditions: [String] = []
        var values: [SQLValue] = []
        if let from { conditions.append("day >= ?"); values.append(.text(from)) }
        if let until { conditions.append("day <= ?"); values.append(.text(until)) }
        if let asset { conditions.append("asset = ?"); values.append(.text(asset)) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try database.rows("""
            SELECT day, asset, realized_pnl, fees, funding, trades FROM projection_pnl_daily \(whereClause) ORDER BY day, asset
            """, values) { row in
                PnLDay(day: row.text(0), asset: row.text(1),
                       totals: PnLTotals(realizedPnl: try Self.amount(row, 2), fees: try Self.amount(row, 3),
                                         funding: try Self.amount(row, 4), trades: row.int64(5)))
            }
    }
}
