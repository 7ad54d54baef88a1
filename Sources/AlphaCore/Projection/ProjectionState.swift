/// Everything the projections hold, in memory: the state derived from the event store.
///
/// It is a pure value. `apply(_:)` is the one reducer; the store advances the `projection_*` tables
/// with the rows it reports as changed, in the same transaction as the events (DESIGN §4), and a
/// rebuild folds the whole event store through the same function, so the two cannot disagree.
public struct ProjectionState: Sendable, Equatable {
    /// Latest known state of each order, by client order id.
    public var orders: [String: OrderPayload] = [:]
    /// Latest position snapshot per symbol.
    public var positions: [String: PositionPayload] = [:]
    /// Latest balance snapshot per asset.
    public var balances: [String: BalancePayload] = [:]
    /// Realized PnL, fees and funding per UTC day and asset.
    public var pnl: [PnLKey: PnLTotals] = [:]
    public var status = EngineStatus()
    /// Per symbol, the signed position our own orders' fills make (plus what a user adopted):
    /// the exchange's position less this is someone else's.
    public var holdings: [String: Amount] = [:]
    /// Symbols under quarantine, by symbol.
    public var quarantines: [String: Quarantine] = [:]
    /// Per symbol on a spot venue, the coin the account's fills hold and its average cost: a sale
    /// realizes its price less that average (Upbit reports no realized PnL of its own).
    public var costBasis: [String: CostBasis] = [:]
    /// The seq of the last event applied: the checkpoint.
    public var lastSeq: Int64 = 0

    public init() {}
}

/// What a spot holding cost: the quantity the fills bought (less what they sold) at its average
/// price, the way Upbit keeps `avg_buy_price` (a sale leaves the average as it was; fees apart).
public struct CostBasis: Sendable, Equatable {
    public var quantity: Amount
    public var averagePrice: Amount

    public init(quantity: Amount = .zero, averagePrice: Amount = .zero) {
        self.quantity = quantity
        self.averagePrice = averagePrice
    }
}

/// A day's bucket for one asset.
public struct PnLKey: Sendable, Hashable, Comparable {
    /// UTC day, "2026-11-21".
    public var day: String
    public var asset: String

    public init(day: String, asset: String) {
        self.day = day
        self.asset = asset
    }

    public static func < (lhs: PnLKey, rhs: PnLKey) -> Bool { (lhs.day, lhs.asset) < (rhs.day, rhs.asset) }
}

public struct PnLTotals: Sendable, Equatable {
    public var realizedPnl: Amount = .zero
    /// Commissions paid (positive = paid).
    public var fees: Amount = .zero
    /// Funding received (negative = paid).
    public var funding: Amount = .zero
    public var trades: Int64 = 0

    public init(realizedPnl: Amount = .zero, fees: Amount = .zero, funding: Amount = .zero, trades: Int64 = 0) {
        self.realizedPnl = realizedPnl
        self.fees = fees
        self.funding = funding
        self.trades = trades
    }

    /// Realized PnL net of fees and funding.
    public var net: Amount { realizedPnl - fees + funding }
}

/// The singletons: engine, stream, reconciliation and config version.
public struct EngineStatus: Sendable, Equatable {
    public var engineState: EngineState = .stopped
    public var engineMode: EngineMode = .normal
    public var engineSince: Timestamp?
    public var engineReason: String?
    /// The state the owner (or the risk guard) last put the engine in — RUNNING, PAUSED or SAFE —
    /// kept across STOPPED so that the next boot resumes it instead of trading again.
    public var resumeState: EngineState = .running
    public var bootID: String?
    public var streamState: WebSocketState = .disconnected
    public var streamSince: Timestamp?
    public var reconnects: Int64 = 0
    public var lastReconcileAt: Int64?
    public var lastReconcileRunID: String?
    public var lastReconcileDrifts: Int64 = 0
    public var driftTotal: Int64 = 0
    public var configVersion: Int64 = 0

    public init() {}
}

/// Which projection rows one or more events touched, so the store writes only those.
public struct ProjectionChanges: Sendable, Equatable {
    public var orders: Set<String> = []
    public var positions: Set<String> = []
    public var balances: Set<String> = []
    public var pnl: Set<PnLKey> = []
    public var holdings: Set<String> = []
    public var costBasis: Set<String> = []
    /// Quarantines written (or, when gone from the state, deleted), by symbol.
    public var quarantines: Set<String> = []
    public var status = false

    public init() {}

    public var isEmpty: Bool {
        orders.isEmpty && positions.isEmpty && balances.isEmpty && pnl.isEmpty && holdings.isEmpty && costBasis.isEmpty && quarantines.isEmpty
            && !status
    }

    public mutating func formUnion(_ other: ProjectionChanges) {
        orders.formUnion(other.orders)
        positions.formUnion(other.positions)
        balances.formUnion(other.balances)
        pnl.formUnion(other.pnl)
        holdings.formUnion(other.holdings)
        costBasis.formUnion(other.costBasis)
        quarantines.formUnion(other.quarantines)
        status = status || other.status
    }
}
