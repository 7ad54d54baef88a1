import AlphaCore
import AlphaJSON

/// The `projection_*` tables: reading them into a `ProjectionState` and writing the rows a batch
/// of events changed. Only `EventWriter` writes, always inside the transaction of the events.
public final class ProjectionStore {
    public let database: any SQLConnection

    public init(database: any SQLConnection) { self.database = database }

    // MARK: Reading

    /// One order's projection row, for an order no longer kept in memory.
    public func order(clientOrderID: String) throws -> OrderPayload? {
        try database.firstRow("SELECT \(Self.orderColumns) FROM projection_orders WHERE client_order_id = ?", [.text(clientOrderID)], Self.decodeOrder)
    }

    static let orderColumns = """
        client_order_id, symbol, order_id, side, type, status, price, quantity, filled_quantity,
        average_price, reduce_only, time, reason
        """

    /// Order states that are final, spelled as stored.
    static let terminalStatuses = OrderState.allCases.filter(\.isTerminal).map { "'\($0.rawValue)'" }.sorted().joined(separator: ",")

    /// The projections as stored, with the checkpoint they reflect. With `recentTerminalOrders`,
    /// only open orders and that many of the latest finished ones are read (the bot's working
    /// set; the rest stay on disk, see `order(clientOrderID:)`); without it, every order.
    public func load(recentTerminalOrders: Int? = nil) throws -> ProjectionState {
        try database.read {
            var state = ProjectionState()
            state.lastSeq = try checkpoint()
            let orders = recentTerminalOrders.map { limit in """
                SELECT \(Self.orderColumns) FROM projection_orders WHERE status NOT IN (\(Self.terminalStatuses))
                UNION ALL
                SELECT * FROM (SELECT \(Self.orderColumns) FROM projection_orders WHERE status IN (\(Self.terminalStatuses))
                               ORDER BY time DESC LIMIT \(max(0, limit))) AS recent_finished
                """ } ?? "SELECT \(Self.orderColumns) FROM projection_orders"
            for order in try database.rows(orders, [], Self.decodeOrder) {
                state.orders[order.clientOrderID] = order
            }
            for position in try positions() { state.positions[position.symbol] = position }
            for balance in try balances() { state.balances[balance.asset] = balance }
            for (key, totals) in try database.rows(
                "SELECT day, asset, realized_pnl, fees, funding, trades FROM projection_pnl_daily"
            , [], { row in
                (PnLKey(day: row.text(0), asset: row.text(1)),
                 PnLTotals(realizedPnl: try Self.amount(row, 2), fees: try Self.amount(row, 3),
                           funding: try Self.amount(row, 4), trades: row.int64(5)))
            }) {
                state.pnl[key] = totals
            }
            for (symbol, amount) in try holdings() { state.holdings[symbol] = amount }
            for (symbol, basis) in try costBasis() { state.costBasis[symbol] = basis }
            for quarantine in try quarantines() { state.quarantines[quarantine.symbol] = quarantine }
            if let status = try status() { state.status = status }
            return state
        }
    }

    /// Every position row (flat ones included, as the projections keep them).
    public func positions() throws -> [PositionPayload] {
        try database.rows("SELECT symbol, amount, entry_price, unrealized_pnl, reason, time FROM projection_positions ORDER BY symbol", []) { row in
                PositionPayload(symbol: row.text(0), amount: try Self.amount(row, 1), entryPrice: try Self.amount(row, 2),
                                unrealizedPnl: try Self.amount(row, 3), reason: row.optionalText(4), time: row.int64(5))
            }
    }

    public func balances() throws -> [BalancePayload] {
        try database.rows("SELECT asset, wallet_balance, cross_wallet_balance, change, reason, time FROM projection_balances ORDER BY asset", []) { row in
                BalancePayload(asset: row.text(0), walletBalance: try Self.amount(row, 1),
                               crossWalletBalance: try Self.amount(row, 2),
                               change: try row.optionalText(3).map { _ in try Self.amount(row, 3) },
                               reason: row.optionalText(4), time: row.int64(5))
            }
    }

    /// The engine's status row; nil before the first event that sets it.
    public func holdings() throws -> [(String, Amount)] {
        try database.rows("SELECT symbol, amount FROM projection_holdings ORDER BY symbol", []) { row in
            (row.text(0), try Self.amount(row, 1))
        }
    }

    /// Spot holdings' cost, by symbol.
    public func costBasis() throws -> [(String, CostBasis)] {
        try database.rows("SELECT symbol, quantity, average_price FROM projection_cost_basis ORDER BY symbol", []) { row in
            (row.text(0), CostBasis(quantity: try Self.amount(row, 1), averagePrice: try Self.amount(row, 2)))
        }
    }

    /// Symbols under quarantine (active or ignored), by symbol.
    public func quarantines() throws -> [Quarantine] {
        try database.rows("SELECT record FROM projection_quarantines ORDER BY symbol", []) { row in
            guard let object = try? JSONParser.parseObject(row.text(0)), let record = try? Quarantine(json: object) else {
                throw StoreError.corruptRow(table: "projection_quarantines", reason: "unreadable record")
            }
            return record
        }
    }

    public func status() throws -> EngineStatus? {
        try database.firstRow("""
            SELECT engine_state, engine_mode, engine_since, engine_reason, boot_id, stream_state, stream_since,
                   reconnects, last_reconcile_at, last_reconcile_run_id, last_reconcile_drifts, drift_total,
                   config_version, resume_state FROM projection_status WHERE id = 1
            """, [], Self.decodeStatus)
    }

    /// The seq of the last event the projections reflect.
    public func checkpoint() throws -> Int64 { try checkpoint(locking: false) }

    /// With `locking`, inside a write transaction: the row is held until the commit.
    func checkpoint(locking: Bool) throws -> Int64 {
        try database.firstRow("SELECT last_seq FROM projection_checkpoint WHERE id = 1\(locking ? database.dialect.forUpdate : "")") { $0.int64(0) } ?? 0
    }

    // MARK: Writing (inside the caller's transaction)

    /// Writes the rows `changes` names, taking their values from `state`, and the checkpoint.
    func write(_ changes: ProjectionChanges, from state: ProjectionState) throws {
        for key in changes.orders { if let order = state.orders[key] { try upsert(order) } }
        for key in changes.positions { if let position = state.positions[key] { try upsert(position) } }
        for key in changes.balances { if let balance = state.balances[key] { try upsert(balance) } }
        for key in changes.pnl { if let totals = state.pnl[key] { try upsert(key, totals) } }
        for symbol in changes.holdings { if let amount = state.holdings[symbol] { try upsert(holding: symbol, amount) } }
        for symbol in changes.costBasis { if let basis = state.costBasis[symbol] { try upsert(costBasis: symbol, basis) } }
        for symbol in changes.quarantines { try write(quarantine: state.quarantines[symbol], symbol: symbol) }
        if changes.status { try upsert(state.status) }
        try database.run("UPDATE projection_checkpoint SET last_seq = ? WHERE id = 1", [.integer(state.lastSeq)])
    }

    /// Replaces every projection row with `state` (a rebuild).
    func replaceAll(with state: ProjectionState) throws {
        try database.execute("""
            DELETE FROM projection_orders; DELETE FROM projection_positions; DELETE FROM projection_balances;
            DELETE FROM projection_pnl_daily; DELETE FROM projection_status;
            DELETE FROM projection_holdings; DELETE FROM projection_quarantines; DELETE FROM projection_cost_basis;
            """)
        var everything = ProjectionChanges()
        everything.orders = Set(state.orders.keys)
        everything.positions = Set(state.positions.keys)
        everything.balances = Set(state.balances.keys)
        everything.pnl = Set(state.pnl.keys)
        everything.holdings = Set(state.holdings.keys)
        everything.costBasis = Set(state.costBasis.keys)
        everything.quarantines = Set(state.quarantines.keys)
        everything.status = state.status != EngineStatus()
        try write(everything, from: state)
    }

    private func upsert(_ order: OrderPayload) throws {
        try database.run("""
            INSERT INTO projection_orders (client_order_id, symbol, order_id, side, type, status, price,
                quantity, filled_quantity, average_price, reduce_only, time, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_order_id) DO UPDATE SET symbol = excluded.symbol, order_id = excluded.order_id, side = excluded.side, type = excluded.type, status = excluded.status, price = excluded.price, quantity = excluded.quantity, filled_quantity = excluded.filled_quantity, average_price = excluded.average_price, reduce_only = excluded.reduce_only, time = excluded.time, reason = excluded.reason
            """, [
                .text(order.clientOrderID), .text(order.symbol), .optional(order.orderID), .text(order.side.rawValue),
                .text(order.type.rawValue), .text(order.status.rawValue), .text(order.price.description),
                .text(order.quantity.description), .text(order.filledQuantity.description),
                .text(order.averagePrice.description), .integer(order.reduceOnly ? 1 : 0), .integer(order.time),
                .optional(order.reason),
            ])
    }

    private func upsert(holding symbol: String, _ amount: Amount) throws {
        try database.run("INSERT INTO projection_holdings (symbol, amount) VALUES (?, ?) ON CONFLICT (symbol) DO UPDATE SET amount = excluded.amount", [.text(symbol), .text(amount.description)])
    }

    private func upsert(costBasis symbol: String, _ basis: CostBasis) throws {
        try database.run("INSERT INTO projection_cost_basis (symbol, quantity, average_price) VALUES (?, ?, ?) ON CONFLICT (symbol) DO UPDATE SET quantity = excluded.quantity, average_price = excluded.average_price", [.text(symbol), .text(basis.quantity.description), .text(basis.averagePrice.description)])
    }

    /// Writes the symbol's quarantine, or deletes its row when it has ended.
    private func write(quarantine: Quarantine?, symbol: String) throws {
        guard let quarantine else {
            try database.run("DELETE FROM projection_quarantines WHERE symbol = ?", [.text(symbol)])
            return
        }
        try database.run("INSERT INTO projection_quarantines (symbol, quarantine_id, status, record) VALUES (?, ?, ?, ?) ON CONFLICT (symbol) DO UPDATE SET quarantine_id = excluded.quarantine_id, status = excluded.status, record = excluded.record", [.text(symbol), .text(quarantine.id), .text(quarantine.status.rawValue), .text(quarantine.json.serialized)])
    }

    private func upsert(_ position: PositionPayload) throws {
        try database.run("""
            INSERT INTO projection_positions (symbol, amount, entry_price, unrealized_pnl, reason, time)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (symbol) DO UPDATE SET amount = excluded.amount, entry_price = excluded.entry_price, unrealized_pnl = excluded.unrealized_pnl, reason = excluded.reason, time = excluded.time
            """, [
                .text(position.symbol), .text(position.amount.description), .text(position.entryPrice.description),
                .text(position.unrealizedPnl.description), .optional(position.reason), .integer(position.time),
            ])
    }

    private func upsert(_ balance: BalancePayload) throws {
        try database.run("""
            INSERT INTO projection_balances (asset, wallet_balance, cross_wallet_balance, change, reason, time)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (asset) DO UPDATE SET wallet_balance = excluded.wallet_balance, cross_wallet_balance = excluded.cross_wallet_balance, change = excluded.change, reason = excluded.reason, time = excluded.time
            """, [
                .text(balance.asset), .text(balance.walletBalance.description),
                .text(balance.crossWalletBalance.description), .optional(balance.change?.description),
                .optional(balance.reason), .integer(balance.time),
            ])
    }

    private func upsert(_ key: PnLKey, _ totals: PnLTotals) throws {
        try database.run("""
            INSERT INTO projection_pnl_daily (day, asset, realized_pnl, fees, funding, trades)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (day, asset) DO UPDATE SET realized_pnl = excluded.realized_pnl, fees = excluded.fees, funding = excluded.funding, trades = excluded.trades
            """, [
                .text(key.day), .text(key.asset), .text(totals.realizedPnl.description), .text(totals.fees.description),
                .text(totals.funding.description), .integer(totals.trades),
            ])
    }

    private func upsert(_ status: EngineStatus) throws {
        try database.run("""
            INSERT INTO projection_status (id, engine_state, engine_mode, engine_since, engine_reason,
                boot_id, stream_state, stream_since, reconnects, last_reconcile_at, last_reconcile_run_id,
                last_reconcile_drifts, drift_total, config_version, resume_state)
            VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET engine_state = excluded.engine_state, engine_mode = excluded.engine_mode, engine_since = excluded.engine_since, engine_reason = excluded.engine_reason, boot_id = excluded.boot_id, stream_state = excluded.stream_state, stream_since = excluded.stream_since, reconnects = excluded.reconnects, last_reconcile_at = excluded.last_reconcile_at, last_reconcile_run_id = excluded.last_reconcile_run_id, last_reconcile_drifts = excluded.last_reconcile_drifts, drift_total = excluded.drift_total, config_version = excluded.config_version, resume_state = excluded.resume_state
            """, [
                .text(status.engineState.rawValue), .text(status.engineMode.rawValue),
                .optional(status.engineSince?.iso8601), .optional(status.engineReason), .optional(status.bootID),
                .text(status.streamState.rawValue), .optional(status.streamSince?.iso8601),
                .integer(status.reconnects), .optional(status.lastReconcileAt), .optional(status.lastReconcileRunID),
                .integer(status.lastReconcileDrifts), .integer(status.driftTotal), .integer(status.configVersion),
                .text(status.resumeState.rawValue),
            ])
    }

    // MARK: Row decoding

    static func amount(_ row: any SQLRow, _ column: Int32) throws -> Amount {
        let text = row.text(column)
        guard let amount = Amount(text) else {
            throw StoreError.corruptRow(table: "projection", reason: "'\(text)' is not a decimal")
        }
        return amount
    }

    private static func choice<T: RawRepresentable>(_ row: any SQLRow, _ column: Int32, _ type: T.Type) throws -> T
    where T.RawValue == String {
        let text = row.text(column)
        guard let value = T(rawValue: text) else {
            throw StoreError.corruptRow(table: "projection", reason: "'\(text)' is not a valid \(T.self)")
        }
        return value
    }

    private static func timestamp(_ row: any SQLRow, _ column: Int32) throws -> Timestamp? {
        guard let text = row.optionalText(column) else { return nil }
        guard let timestamp = Timestamp(iso8601: text) else {
            throw StoreError.corruptRow(table: "projection", reason: "'\(text)' is not a timestamp")
        }
        return timestamp
    }

    static func decodeOrder(_ row: any SQLRow) throws -> OrderPayload {
        OrderPayload(
            symbol: row.text(1), clientOrderID: row.text(0), orderID: row.optionalText(2),
            side: try choice(row, 3, OrderSide.self), type: try choice(row, 4, OrderType.self),
            status: try choice(row, 5, OrderState.self), price: try amount(row, 6), quantity: try amount(row, 7),
            filledQuantity: try amount(row, 8), averagePrice: try amount(row, 9), reduceOnly: row.int64(10) != 0,
            time: row.int64(11), reason: row.optionalText(12)
        )
    }

    private static func decodeStatus(_ row: any SQLRow) throws -> EngineStatus {
        var status = EngineStatus()
        status.engineState = try choice(row, 0, EngineState.self)
        status.engineMode = try choice(row, 1, EngineMode.self)
        status.engineSince = try timestamp(row, 2)
        status.engineReason = row.optionalText(3)
        status.bootID = row.optionalText(4)
        status.streamState = try choice(row, 5, WebSocketState.self)
        status.streamSince = try timestamp(row, 6)
        status.reconnects = row.int64(7)
        status.lastReconcileAt = row.optionalInt64(8)
        status.lastReconcileRunID = row.optionalText(9)
        status.lastReconcileDrifts = row.int64(10)
        status.driftTotal = row.int64(11)
        status.configVersion = row.int64(12)
        status.resumeState = try choice(row, 13, EngineState.self)
        return status
    }
}
