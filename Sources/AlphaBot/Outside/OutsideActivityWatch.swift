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
    private let commands: any CommandQueue
    private let events: any EventLog
    private var checkDue = false
    /// The stream said money moved (a deposit, a withdrawal, a transfer): read the wallet's history now.
    private var fundsDue = false
    private var failures = RepeatedFailureLog()
    /// The orders a user's decision placed (an adopted position's stop, a close's flattening
    /// order), by command id, until they settle: one that fails puts the symbol back in quarantine.
    private var followUps: [String: QuarantineCompletedPayload] = [:]
    private var lastFollowUpCheck: Int64?
    /// When a user last decided each symbol's quarantine. A decision leaves no outside order open
    /// (ADOPT refuses while one is, CLOSE cancels them), so an outside order's event dated before it
    /// (a late stream) is of one that was done and made the position decided on: not a new one.
    private var decidedAt: [String: Int64] = [:]

    public init(account: any ExchangeAccount, writer: any EventJournal, commands: any CommandQueue, events: any EventLog, reconciler: Reconciler,
                executor: OrderExecutor, funds: FundsScan?, scope: Scope, log: Logger = Logger(label: "outside")) {
        self.account = account
        self.writer = writer
        self.commands = commands
        self.events = events
        self.reconciler = reconciler
        self.executor = executor
        self.funds = funds
        self.scope = scope
        self.log = log
    }

    /// ACCOUNT_UPDATE reasons that mean money came or went (Binance's `m`), not trading.
    static let fundReasons: Set<String> = ["DEPOSIT", "WITHDRAW", "WITHDRAW_REJECT", "ADMIN_DEPOSIT", "ADMIN_WITHDRAW", "ASSET_TRANSFER",
                                           "MARGIN_TRANSFER"]

    /// Boot: the decisions of the last run whose orders have not settled are watched again.
    public func start(_ time: KernelTime) throws {
        for event in try events.events(matching: EventFilter(newestFirst: true, types: [.quarantineCompleted]), limit: 50) {
            if let completed = try? QuarantineCompletedPayload(json: event.payload) { try watch(completed) }
        }
    }

    public func didAppend(_ events: [Event], _ time: KernelTime) throws {
        for event in events {
            if event.type == .reconciliationPerformed { checkDue = true }
            if event.type == .balanceChanged, event.source == .webSocket, let reason = try? BalancePayload(json: event.payload).reason,
               Self.fundReasons.contains(reason) {
                fundsDue = true
            }
            if event.type == .quarantineCompleted, let completed = try? QuarantineCompletedPayload(json: event.payload) { try watch(completed) }
            guard event.type.isOrderEvent, let order = try? OrderPayload(json: event.payload), !ClientOrderID.isOurs(order.clientOrderID),
                  writer.state.quarantines[order.symbol] == nil, order.status.isOpen || !order.filledQuantity.isZero,
                  order.time > decidedAt[order.symbol] ?? .min
            else { continue }
            try start(outside: order, time)
        }
    }

    private func start(outside order: OrderPayload, _ time: KernelTime) throws {
        let sides = "\(order.type.rawValue) \(order.side.rawValue) \(order.quantity)"
        // The exchange's own order: a liquidation is not someone trading, and says so.
        let liquidated = order.type == .liquidation
        try start(symbol: order.symbol, cause: liquidated ? .liquidation : .outsideOrder, id: "order:\(order.clientOrderID)",
                  clientOrderID: order.clientOrderID,
                  reason: liquidated ? "the exchange liquidated the position (\(sides), order \(order.clientOrderID)): the margin fell to the maintenance margin"
                                     : "order \(order.clientOrderID) (\(sides)) was placed outside AlphaEngine", time)
    }

    public func tick(_ time: KernelTime) throws -> Bool {
        if !followUps.isEmpty, lastFollowUpCheck.map({ time.monotonic - $0 >= 250 }) ?? true {
            lastFollowUpCheck = time.monotonic
            try checkFollowUps(time)
        }
        guard checkDue || fundsDue else { return false }
        do {
            if checkDue { try checkPositions(time) }
            checkDue = false
            fundsDue = false
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
            // An outside order still working that no quarantine holds (its event came late, dated
            // before a decision, and was let pass): the reconciler has just listed it open.
            if let order = writer.state.outsideOpenOrders(symbol).first {
                try start(outside: order, time)
                continue
            }
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

    private func watch(_ completed: QuarantineCompletedPayload) throws {
        decidedAt[completed.symbol] = max(decidedAt[completed.symbol] ?? .min, completed.time)
        guard let id = completed.followUpCommandID, let command = try commands.command(id: id), command.status.isOpenCommand else { return }
        followUps[id] = completed
    }

    /// A decision's order that failed leaves the symbol unprotected or someone else's: back to the user.
    private func checkFollowUps(_ time: KernelTime) throws {
        for (id, completed) in followUps {
            guard let command = try commands.command(id: id), !command.status.isOpenCommand else { continue }
            followUps[id] = nil
            guard command.status == .failed, writer.state.quarantines[completed.symbol] == nil else { continue }
            let what = completed.action == .adopt ? "the protective stop of the adopted position" : "the order flattening the position"
            try start(symbol: completed.symbol, cause: .decisionFailed, id: "follow-up:\(id)", clientOrderID: nil,
                      reason: "\(what) failed (\(command.lastError ?? "no reason given")); decide again", time)
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
