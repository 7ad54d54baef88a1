import AlphaCore
import AlphaExchange
import AlphaStore
import AlphaSystem
import Logging

/// Notices what someone other than AlphaEngine does on the account (issue 15) and records it:
/// - an order whose client id is not ours, the moment the stream or the reconciler stores it,
///   puts its symbol in quarantine;
/// - after each reconcile, a position our own fills do not explain does too (checked twice, so
///   one of our fills landing between two reads is not taken for someone else's);
/// - after each reconcile, money that entered or left the wallets is recorded (`FundsScan`).
/// It never cancels or closes anything: that takes a user's `ResolveQuarantine`.
public final class OutsideActivityWatch: BotComponent {
    public let name = "outside"
    private let account: any ExchangeAccount
    private let writer: any EventJournal
    private let reconciler: Reconciler
    private let executor: OrderExecutor
    private let funds: FundsScan?
    private let scope: Scope
    private let log: Logger
    private var checkDue = false
    private var failures = RepeatedFailureLog()

    public init(account: any ExchangeAccount, writer: any EventJournal, reconciler: Reconciler, executor: OrderExecutor, funds: FundsScan?,
                scope: Scope, log: Logger = Logger(label: "outside")) {
        self.account = account
        self.writer = writer
        self.reconciler = reconciler
        self.executor = executor
        self.funds = funds
        self.scope = scope
        self.log = log
    }

    public func didAppend(_ events: [Event], _ time: KernelTime) throws {
        for event in events {
            if event.type == .reconciliationPerformed { checkDue = true }
            guard event.type.isOrderEvent, let order = try? OrderPayload(json: event.payload), !ClientOrderID.isOurs(order.clientOrderID),
                  writer.state.quarantines[order.symbol] == nil, order.status.isOpen || !order.filledQuantity.isZero
            else { continue }
            let sides = "\(order.type.rawValue) \(order.side.rawValue) \(order.quantity)"
            try start(symbol: order.symbol, cause: .outsideOrder, id: "order:\(order.clientOrderID)", clientOrderID: order.clientOrderID,
                      reason: "order \(order.clientOrderID) (\(sides)) was placed outside AlphaEngine", time)
        }
    }

    public func tick(_ time: KernelTime) throws -> Bool {
        guard checkDue else { return false }
        checkDue = false
        do {
            try checkPositions(time)
            try funds?.run(since: writer.state.status.lastReconcileAt.map { $0 - Reconciler.overlapMilliseconds })
            failures.succeeded(log)
        } catch {
            failures.failed("outside-activity check", error, log)
        }
        return true
    }

    /// The reconciler just stored the exchange's positions and our orders' fills: any symbol where
    /// they disagree holds someone else's position. It is read again before it counts, with our
    /// open orders refreshed, so a fill of ours between the reads cannot pass for someone else's.
    func checkPositions(_ time: KernelTime) throws {
        // An order of ours whose fate is unknown may be what explains the difference: wait for it.
        guard !executor.hasUnresolved else { return }
        for symbol in reconciler.symbols where writer.state.quarantines[symbol] == nil {
            let first = (writer.state.positions[symbol]?.amount ?? .zero) - writer.state.ownedAmount(symbol)
            guard !first.isZero else { continue }
            for order in writer.state.orders.values where order.symbol == symbol && order.status.isOpen && ClientOrderID.isOurs(order.clientOrderID) {
                _ = try writer.append(try account.order(symbol: symbol, clientOrderID: order.clientOrderID, type: order.type))
            }
            let position = try account.positions(symbol: symbol).first { $0.symbol == symbol }?.amount ?? .zero
            let owned = writer.state.ownedAmount(symbol)
            guard position - owned == first else { continue }  // it moved between the reads: the next reconcile looks again
            let runID = writer.state.status.lastReconcileRunID ?? "boot"
            try start(symbol: symbol, cause: .outsidePosition, id: "position:\(symbol):\(runID)", clientOrderID: nil,
                      reason: "the exchange holds \(position) \(symbol) where AlphaEngine's own fills make \(owned): "
                          + "\(first) was traded outside AlphaEngine", exchange: position, owned: owned, time)
        }
    }

    private func start(symbol: String, cause: QuarantineCause, id: String, clientOrderID: String?, reason: String,
                       exchange: Amount? = nil, owned: Amount? = nil, _ time: KernelTime) throws {
        let quarantineID = "q-" + Identifier.random().prefix(12)
        let payload = QuarantineStartedPayload(quarantineID: quarantineID, symbol: symbol, cause: cause, reason: reason,
                                               clientOrderID: clientOrderID,
                                               exchangeAmount: exchange ?? writer.state.positions[symbol]?.amount ?? .zero,
                                               ownedAmount: owned ?? writer.state.ownedAmount(symbol), time: time.now.millisecondsSinceEpoch)
        let event = Event(type: .quarantineStarted, source: .bot, entityKind: .quarantine, entityID: symbol, scope: scope.with(symbol: symbol),
                          dedupKey: DedupKey.quarantine(id: id, phase: "started"), payload: payload.json)
        if try writer.append(event).isDuplicate == false {
            log.warning("quarantine: \(symbol) is left alone until a user decides", metadata: ["cause": "\(cause.rawValue)", "reason": "\(reason)"])
        }
    }
}
