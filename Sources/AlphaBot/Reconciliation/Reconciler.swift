import AlphaCore
import AlphaExchange
import AlphaJSON
import AlphaStore

/// REST is the truth (DESIGN §5): on a schedule, after a reconnect, on `RunReconcile` and at
/// boot, the reconciler fetches fills, funding, positions, balances and open orders, stores what is
/// missing, and turns every difference from our projections into `DriftDetected` plus a
/// corrective event, closing with `ReconciliationPerformed`.
public final class Reconciler {
    /// What started a run; a scheduled run reads the income history less often.
    public enum Trigger: String, Sendable {
        case boot, reconnect, schedule, command
        /// One of our orders was acknowledged and the stream never mentioned it.
        case streamSilent = "stream-silent"
        /// The stream said the holdings changed without the figures to record (Upbit's `myAsset`).
        case holdingsChanged = "holdings-changed"
    }

    private let account: any ExchangeAccount
    private let writer: any EventJournal
    private let scope: Scope
    /// The symbols followed; the runtime configuration may change them.
    public var symbols: [String]
    private let trades: TradeCatchUp
    private let funding: FundingCatchUp
    private let clock: any Clock
    /// A venue whose stream never carries the holdings' figures (spot: Upbit's `myAsset`): the
    /// REST read after our own order is the only way they are learned.
    private let holdingsOnlyByREST: Bool

    public init(account: any ExchangeAccount, writer: any EventJournal, scope: Scope, symbols: [String], trades: TradeCatchUp,
                funding: FundingCatchUp, clock: any Clock, holdingsOnlyByREST: Bool = false) {
        self.holdingsOnlyByREST = holdingsOnlyByREST
        self.account = account
        self.writer = writer
        self.scope = scope
        self.symbols = symbols
        self.trades = trades
        self.funding = funding
        self.clock = clock
    }

    /// How far before the last run's end the next run starts fetching fills.
    static let overlapMilliseconds: Int64 = 5 * 60_000

    public struct Report: Sendable, Equatable {
        public let runID: String
        public let newFacts: Int
        public let drifts: Int
    }

    /// How often a scheduled run also reads the income history (weight 30, against 5 for most
    /// reads): funding is paid every few hours, and a balance that moved unexplained reads it at once.
    public var fundingIntervalMilliseconds: Int64 = 10 * 60_000
    private var lastFundingCheck: Int64?

    public func run(trigger: Trigger) throws -> Report {
        let runID = Identifier.random()
        var newFacts = 0
        var drifts: [Drift] = []
        // From a little before the last completed run: fills around its end are fetched again
        // (they collide), and none can fall between two runs. The first run reads all history.
        let since = writer.state.status.lastReconcileAt.map { $0 - Self.overlapMilliseconds }
        for symbol in symbols { newFacts += try trades.run(symbol: symbol, since: since) }
        // Asked for because the stream said the holdings changed without their figures (Upbit), or
        // because it was silent after our order on a venue whose stream never gives them: what is
        // read now is that order's change, not a drift; a scheduled run that finds one still is.
        let expected = trigger == .holdingsChanged || (holdingsOnlyByREST && trigger == .streamSilent)
        var updates: [Event] = []
        for found in try positions(runID: runID) + balances(runID: runID) {
            if expected { updates.append(found.correction) } else { drifts.append(found) }
        }
        let balanceDrifts = drifts.filter { $0.correction.type == .balanceChanged }
        let now = clock.monotonicMilliseconds
        if trigger != .schedule || !balanceDrifts.isEmpty || lastFundingCheck.map({ now - $0 >= fundingIntervalMilliseconds }) ?? true {
            newFacts += try funding.run(since: since)
            lastFundingCheck = now
        }
        let (orderFacts, orderDrifts) = try openOrders(runID: runID)
        newFacts += orderFacts
        drifts += orderDrifts
        let time = clock.now
        var batch = updates + drifts.flatMap { [$0.detected, $0.correction] }
        batch.append(Event(type: .reconciliationPerformed, ts: time, source: .bot, entityKind: .reconciliation, entityID: runID, scope: scope,
                           dedupKey: DedupKey.reconciliation(runID: runID),
                           payload: ReconciliationPayload(runID: runID, trigger: trigger.rawValue, drifts: Int64(drifts.count),
                                                          time: time.millisecondsSinceEpoch).json))
        _ = try writer.append(batch)
        return Report(runID: runID, newFacts: newFacts, drifts: drifts.count)
    }

    /// A difference found and the event that corrects it.
    struct Drift {
        let detected: Event
        let correction: Event
    }

    /// The correction for an order we think open that the exchange no longer knows.
    static func forgotten(_ order: OrderPayload, scope: Scope, runID: String) -> Event {
        var closed = order
        closed.status = .expired
        closed.reason = "not on the exchange any more (cancelled or expired while we were not looking)"
        return Event(type: .orderCancelled, source: .rest, entityKind: .order, entityID: order.clientOrderID, scope: scope,
                     dedupKey: DedupKey.forgottenOrder(clientOrderID: order.clientOrderID, runID: runID), payload: closed.json)
    }

    private func drift(runID: String, entity: String, field: String, expected: String, actual: String, correction: Event) -> Drift {
        Drift(detected: Event(type: .driftDetected, ts: clock.now, source: .bot, entityKind: .reconciliation, entityID: entity, scope: scope,
                              dedupKey: DedupKey.drift(runID: runID, entity: "\(entity):\(field)"),
                              payload: DriftPayload(runID: runID, entity: entity, field: field, expected: expected, actual: actual).json),
              correction: correction)
    }

    private func positions(runID: String) throws -> [Drift] {
        var exchange: [String: PositionPayload] = [:]
        for position in try account.positions(symbol: nil) { exchange[position.symbol] = position }
        var events: [Drift] = []
        for symbol in symbols {
            let theirs = exchange[symbol] ?? PositionPayload(symbol: symbol, amount: .zero, entryPrice: .zero, unrealizedPnl: .zero,
                                                             reason: "reconcile", time: clock.now.millisecondsSinceEpoch)
            let ours = writer.state.positions[symbol]
            guard (ours?.amount ?? .zero) != theirs.amount || (!theirs.amount.isZero && ours?.entryPrice != theirs.entryPrice) else { continue }
            let correction = Event(type: .positionChanged, ts: clock.now, source: .rest, entityKind: .position, entityID: symbol, scope: scope,
                                   dedupKey: DedupKey.correction(of: DedupKey.position(symbol: symbol, updateTime: theirs.time, amount: theirs.amount),
                                                                 runID: runID),
                                   payload: theirs.json)
            events.append(drift(runID: runID, entity: "position:\(symbol)", field: "amount",
                            expected: theirs.amount.description, actual: (ours?.amount ?? .zero).description, correction: correction))
        }
        return events
    }

    private func balances(runID: String) throws -> [Drift] {
        var events: [Drift] = []
        for theirs in try account.balances() {
            let ours = writer.state.balances[theirs.asset]
            guard ours?.walletBalance != theirs.walletBalance else { continue }
            let correction = Event(type: .balanceChanged, ts: clock.now, source: .rest, entityKind: .balance, entityID: theirs.asset, scope: scope,
                                   dedupKey: DedupKey.correction(of: DedupKey.balance(asset: theirs.asset, updateTime: theirs.time,
                                                                                      walletBalance: theirs.walletBalance), runID: runID),
                                   payload: theirs.json)
            events.append(drift(runID: runID, entity: "balance:\(theirs.asset)", field: "walletBalance", expected: theirs.walletBalance.description,
                            actual: ours?.walletBalance.description ?? "none", correction: correction))
        }
        return events
    }

    /// Open orders on the exchange we do not know (or know differently) are stored; orders we
    /// think open that the exchange no longer lists are looked up and stored as they ended.
    private func openOrders(runID: String) throws -> (facts: Int, drifts: [Drift]) {
        var facts = 0
        var drifts: [Drift] = []
        var listed: Set<String> = []
        for symbol in symbols {
            for event in try account.openOrders(symbol: symbol) {
                listed.insert(try OrderPayload(json: event.payload).clientOrderID)
                if try writer.append(event).isDuplicate == false {
                    facts += 1
                }
            }
        }
        for order in writer.state.orders.values where order.status.isOpen && symbols.contains(order.symbol) && !listed.contains(order.clientOrderID) {
            let correction: Event
            do {
                correction = try account.order(symbol: order.symbol, clientOrderID: order.clientOrderID, type: order.type)
            } catch let error as ExchangeError where error.isNotFound {
                // Not open and not found: Binance forgets cancelled and expired orders after three
                // days (filled ones it keeps), so it ended without a fill we could miss.
                correction = Self.forgotten(order, scope: scope, runID: runID)
            }
            drifts.append(drift(runID: runID, entity: "order:\(order.clientOrderID)", field: "status",
                            expected: (try? OrderPayload(json: correction.payload).status.rawValue) ?? "?", actual: order.status.rawValue,
                            correction: correction))
        }
        return (facts, drifts)
    }
}
