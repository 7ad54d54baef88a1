import AlphaCore
import AlphaExchange
import AlphaStore
import Logging

/// Carries out order commands without ever placing an order twice (DESIGN §6).
///
/// Write-ahead: a command is claimed (SENT) before its request leaves, and its order carries
/// the client id `ae-<command id>`, so the exchange itself can tell whether it exists. A
/// definitive answer settles the command. An unknown one (timeout, 5xx, -1007) becomes a
/// resolution that later ticks step: one query per step, never a sleep. Found means placed; not
/// found is final only once the order is old enough for the exchange to know it and repeated
/// queries agree. Until then the command stays SENT (the next boot resolves it the same way);
/// it is never simply sent again.
///
/// Every exchange command passes the pre-trade check first: a refusal is a `RiskGuardRejected`
/// event and a FAILED command, in one transaction, and nothing is sent.
public final class OrderExecutor: BotComponent, CommandHandler {
    public struct Settings: Sendable {
        /// How long after sending a "not found" can be believed.
        public var notFoundGraceMilliseconds: Int64 = 10_000
        /// How many agreeing "not found" answers make it final.
        public var notFoundQueries = 2
        /// The pause between two queries of an order whose fate is unknown.
        public var queryIntervalMilliseconds: Int64 = 500
        /// How long a command whose request could not leave (429, 418, unreachable) keeps
        /// waiting before it fails: an order placed minutes late is not what was asked for.
        public var retryBudgetMilliseconds: Int64 = 120_000
        /// The pause before sending a command that could not leave again.
        public var retryIntervalMilliseconds: Int64 = 1_000
        public init() {}
    }

    /// The command types this executor carries out; all of them send requests.
    public static let commandTypes: [CommandType] = [.placeOrder, .cancelOrder, .cancelAll, .closePosition, .setLeverage]

    /// A command left SENT that a later tick takes up again.
    private struct Pending {
        enum Work {
            /// The request surely never left (rate limit, unreachable): carry the command out again.
            case send
            /// An order's fate is unknown: only ever query it, never send it again.
            case resolve(sentAt: Timestamp, notFound: Int)
        }
        let command: Command
        var work: Work
        /// Monotonic ms of the first try, for the retry budget.
        let firstTried: Int64
        var notBefore: Int64
        var lastError: String
    }

    public let name = "orders"
    private let account: any ExchangeAccount
    private let pacer: any RequestPacer
    private let writer: any EventJournal
    private let commands: any CommandQueue
    private let settings: Settings
    private let preTrade: PreTradeCheck
    /// The venue's rules the payloads are decoded under.
    private let capabilities: VenueCapabilities
    private let log: Logger
    private var pending: [String: Pending] = [:]
    /// The limits users' new orders are held against, when the runtime config says they are
    /// (`risk.guard_manual_orders`); the strategy's are held in the runner, with their stops.
    public var manualOrderLimits: RiskLimits?
    /// The latest mark prices, for the risk guard's equity and leverage.
    public var marks: () -> [String: Amount] = { [:] }
    /// Monotonic times of the new orders sent in the last minute, for the order-rate rule.
    private var placed: [Int64] = []

    public init(account: any ExchangeAccount, pacer: any RequestPacer, writer: any EventJournal, commands: any CommandQueue,
                capabilities: VenueCapabilities = .binanceUSDM, settings: Settings = Settings(), preTrade: PreTradeCheck = PreTradeCheck(),
                log: Logger = Logger(label: "orders")) {
        self.capabilities = capabilities
        self.account = account
        self.pacer = pacer
        self.writer = writer
        self.commands = commands
        self.settings = settings
        self.preTrade = preTrade
        self.log = log
    }

    /// Whether an order's fate is still being settled (a strategy should wait for it).
    public var hasUnresolved: Bool {
        pending.values.contains { if case .resolve = $0.work { true } else { false } }
    }

    // MARK: Component

    /// Boot: every command left SENT by a previous run is taken up before anything new runs:
    /// orders are queried (never resent), other commands failed as interrupted.
    public func start(_ time: KernelTime) throws {
        for command in try commands.inFlight() {
            guard command.type == .placeOrder else {
                _ = try commands.fail(command.id, error: "interrupted by a restart; \(command.type.rawValue) is not resumed", now: time.now)
                continue
            }
            _ = try resolve(command, sentAt: command.claimedAt ?? command.updatedAt, notFound: 0, firstTried: time.monotonic, time)
        }
    }

    /// Takes up the commands that are due: nothing while the pacer is closed.
    public func tick(_ time: KernelTime) throws -> Bool {
        guard !pending.isEmpty, pacer.closure(now: time.monotonic) == nil else { return false }
        var worked = false
        for (id, entry) in pending.sorted(by: { $0.value.firstTried < $1.value.firstTried }) where entry.notBefore <= time.monotonic {
            pending[id] = nil
            worked = true
            guard let current = try commands.command(id: id), current.status == .sent else { continue }
            switch entry.work {
            case .send:
                if time.monotonic - entry.firstTried > settings.retryBudgetMilliseconds {
                    _ = try commands.fail(id, error: "gave up after \(time.monotonic - entry.firstTried) ms: \(entry.lastError)", now: time.now)
                } else {
                    _ = try execute(current, firstTried: entry.firstTried, time)
                }
            case .resolve(let sentAt, let notFound):
                _ = try resolve(current, sentAt: sentAt, notFound: notFound, firstTried: entry.firstTried, time)
            }
        }
        return worked
    }

    // MARK: Commands

    public func handle(_ command: Command, _ time: KernelTime) throws -> Command {
        try execute(command, firstTried: time.monotonic, time)
    }

    private func execute(_ command: Command, firstTried: Int64, _ time: KernelTime) throws -> Command {
        let request: CommandRequest
        do throws(CommandPayloadError) {
            request = try CommandRequest(type: command.type, payload: command.payload, venue: capabilities)
        } catch {
            return try commands.fail(command.id, error: "invalid \(command.type.rawValue) payload: \(error)", now: time.now)
        }
        let intent: PreTradeRequest.Intent
        switch request {
        case .placeOrder(let order): intent = .place(order)
        case .cancelOrder, .cancelAll: intent = .cancel
        case .closePosition: intent = .closePosition
        case .setLeverage: intent = .setLeverage
        default: return try commands.fail(command.id, error: "\(command.type.rawValue) is not handled by the order executor", now: time.now)
        }
        if let refusal = preTrade.check(PreTradeRequest(commandType: command.type, actor: command.actor, intent: intent,
                                                        symbol: request.symbol, state: writer.state)) {
            return try refuse(command, refusal, time)
        }
        if case .placeOrder(let order) = request, command.actor.kind == .user, let limits = manualOrderLimits,
           let refusal = guardManualOrder(order, limits, time) {
            return try refuse(command, PreTradeRefusal(rule: refusal.rule, reason: refusal.reason), measured: refusal.measured,
                              limit: refusal.limit, time)
        }
        switch request {
        case .placeOrder(let order): return try place(command, order: order, firstTried: firstTried, time)
        case .cancelOrder(let symbol, let clientOrderID):
            return try cancelOrder(command, symbol: symbol, clientOrderID: clientOrderID, firstTried: firstTried, time)
        case .cancelAll(let symbol): return try cancelAll(command, symbol: symbol, firstTried: firstTried, time)
        case .closePosition(let symbol): return try closePosition(command, symbol: symbol, firstTried: firstTried, time)
        case .setLeverage(let symbol, let leverage): return try setLeverage(command, symbol: symbol, leverage: leverage, firstTried: firstTried, time)
        default: return try commands.fail(command.id, error: "\(command.type.rawValue) is not handled by the order executor", now: time.now)
        }
    }

    /// The pre-trade check said no: the refusal is an event, and the command fails with it.
    private func refuse(_ command: Command, _ refusal: PreTradeRefusal, measured: Amount? = nil, limit: Amount? = nil,
                        _ time: KernelTime) throws -> Command {
        let payload = RiskGuardRejectedPayload(commandID: command.id, commandType: command.type, actor: "\(command.actor.kind.rawValue):\(command.actor.id)",
                                               rule: refusal.rule, reason: refusal.reason, measured: measured, limit: limit)
        let event = Event(type: .riskGuardRejected, ts: time.now, correlationID: command.correlationID, commandID: command.id, source: .bot,
                          entityKind: .engine, entityID: "engine", scope: command.scope,
                          dedupKey: DedupKey.command(commandID: command.id, outcome: EventType.riskGuardRejected.rawValue), payload: payload.json)
        var failed: Command?
        _ = try writer.append([event]) {
            failed = try self.commands.fail(command.id, error: "refused by \(refusal.rule): \(refusal.reason)",
                                            result: ["rule": .string(refusal.rule)], now: time.now)
        }
        log.notice("\(command.type.rawValue) refused", metadata: ["command": "\(command.id)", "rule": "\(refusal.rule)"])
        return failed ?? command
    }

    /// A user's new order against the risk limits (no stop travels with it, so the risk per
    /// trade is the strategy's rule alone). Priced at its limit or trigger, else at the mark.
    private func guardManualOrder(_ order: OrderRequest, _ limits: RiskLimits, _ time: KernelTime) -> RiskRefusal? {
        let marks = marks()
        let price = order.price ?? order.stopPrice ?? marks[order.symbol] ?? writer.state.positions[order.symbol]?.entryPrice ?? .zero
        placed = placed.filter { $0 > time.monotonic - 60_000 }
        return RiskGuard(limits: limits).check(RiskOrder(symbol: order.symbol, side: order.side, quantity: order.quantity ?? .zero,
                                                         reduceOnly: order.reduceOnly, price: price),
                                               state: writer.state, marks: marks, ordersInLastMinute: placed.count, now: time.now)
    }

    /// Leaves the command SENT and remembers to take it up again.
    private func postpone(_ command: Command, _ work: Pending.Work, firstTried: Int64, after delay: Int64, error: any Error,
                          _ time: KernelTime) -> Command {
        pending[command.id] = Pending(command: command, work: work, firstTried: pending[command.id]?.firstTried ?? firstTried,
                                      notBefore: time.monotonic + delay, lastError: "\(error)")
        return command
    }

    /// Places `order` under the command's client id.
    private func place(_ command: Command, order: OrderRequest, firstTried: Int64, _ time: KernelTime) throws -> Command {
        let clientOrderID: ClientOrderID
        do {
            clientOrderID = try command.clientOrderID
        } catch {
            return try commands.fail(command.id, error: "the command id cannot make a client order id: \(error)", now: time.now)
        }
        let sentAt = time.now
        placed.append(time.monotonic)
        do {
            return try record(try account.place(order, clientOrderID: clientOrderID.value), for: command, resolvedBy: "answer", time)
        } catch let error as ExchangeError where error.isRetryableLater {
            // It never left: the same client id goes out once the pacer opens.
            return postpone(command, .send, firstTried: firstTried, after: settings.retryIntervalMilliseconds, error: error, time)
        } catch let error as ExchangeError where error.isDefinitive {
            return try rejected(command, order: order, clientOrderID: clientOrderID, error: error, time)
        } catch let error as ExchangeError {
            log.warning("order outcome unknown; resolving by query", metadata: ["clientOrderId": "\(clientOrderID.value)", "cause": "\(error)"])
            return postpone(command, .resolve(sentAt: sentAt, notFound: 0), firstTried: firstTried, after: 0, error: error, time)
        } catch let error as PayloadError {
            // The exchange answered, but not in a shape we can read: whether the order exists is unknown.
            log.warning("unreadable order answer; resolving by query", metadata: ["clientOrderId": "\(clientOrderID.value)", "cause": "\(error)"])
            return postpone(command, .resolve(sentAt: sentAt, notFound: 0), firstTried: firstTried, after: 0, error: error, time)
        }
    }

    /// The exchange refused the order: an `OrderRejected` event with its code and message, and
    /// the command FAILED with the same reason, in one transaction.
    private func rejected(_ command: Command, order: OrderRequest, clientOrderID: ClientOrderID, error: ExchangeError,
                          _ time: KernelTime) throws -> Command {
        let payload = OrderPayload(symbol: order.symbol, clientOrderID: clientOrderID.value, orderID: nil, side: order.side, type: order.type,
                                   status: .rejected, price: order.price ?? .zero, quantity: order.quantity ?? .zero, filledQuantity: .zero,
                                   averagePrice: .zero, reduceOnly: order.reduceOnly, time: time.now.millisecondsSinceEpoch,
                                   reason: error.description)
        let event = Event(type: .orderRejected, ts: time.now, correlationID: command.correlationID, commandID: command.id, source: .rest,
                          entityKind: .order, entityID: clientOrderID.value, scope: command.scope,
                          dedupKey: DedupKey.localOrder(clientOrderID: clientOrderID, status: .rejected), payload: payload.json)
        var failed: Command?
        _ = try writer.append([event]) {
            failed = try self.commands.fail(command.id, error: error.description, result: ["clientOrderId": .string(clientOrderID.value)],
                                            now: time.now)
        }
        return failed ?? command
    }

    /// Cancels one order by its client id. Sending a cancel twice is harmless, so an unknown
    /// outcome is settled by asking for the order's state.
    private func cancelOrder(_ command: Command, symbol: String, clientOrderID: String, firstTried: Int64, _ time: KernelTime) throws -> Command {
        let type = writer.state.orders[clientOrderID]?.type
        do {
            return try record(try account.cancel(symbol: symbol, clientOrderID: clientOrderID, type: type), for: command, resolvedBy: "answer", time)
        } catch let error as ExchangeError where error.isNotFound || (error.isDefinitive && !error.isRetryableLater) {
            // Nothing open to cancel (-2011), or no such order: record what the order is now.
            if let state = try? account.order(symbol: symbol, clientOrderID: clientOrderID, type: type) { _ = try writer.append([state]) }
            return try commands.fail(command.id, error: "cancel refused: \(error)", now: time.now)
        } catch {
            do {
                return try record(try account.order(symbol: symbol, clientOrderID: clientOrderID, type: type), for: command, resolvedBy: "query", time)
            } catch let queryError {
                return postpone(command, .send, firstTried: firstTried, after: settings.retryIntervalMilliseconds, error: queryError, time)
            }
        }
    }

    private func cancelAll(_ command: Command, symbol: String, firstTried: Int64, _ time: KernelTime) throws -> Command {
        do {
            try cancelOurs(symbol: symbol)
            try recordOpenOrders(symbol: symbol)
            return try commands.acknowledge(command.id, result: ["symbol": .string(symbol)], now: time.now)
        } catch let error as ExchangeError where error.isDefinitive && !error.isRetryableLater {
            return try commands.fail(command.id, error: error.description, now: time.now)
        } catch {
            return postpone(command, .send, firstTried: firstTried, after: settings.retryIntervalMilliseconds, error: error, time)  // harmless to repeat
        }
    }

    /// Cancels the symbol's open orders, then closes what is left with a reduce-only market order.
    private func closePosition(_ command: Command, symbol: String, firstTried: Int64, _ time: KernelTime) throws -> Command {
        let amount: Amount
        do {
            try cancelOurs(symbol: symbol)
            amount = try account.positions(symbol: symbol).filter { $0.symbol == symbol }.reduce(Amount.zero) { $0 + $1.amount }
        } catch let error as ExchangeError where error.isDefinitive && !error.isRetryableLater {
            return try commands.fail(command.id, error: error.description, now: time.now)
        } catch {
            return postpone(command, .send, firstTried: firstTried, after: settings.retryIntervalMilliseconds, error: error, time)
        }
        guard !amount.isZero else { return try commands.acknowledge(command.id, result: ["symbol": .string(symbol), "closed": "0"], now: time.now) }
        return try place(command, order: OrderRequest(symbol: symbol, side: amount.isNegative ? .buy : .sell, type: .market,
                                                      quantity: amount.magnitude, reduceOnly: true), firstTried: firstTried, time)
    }

    private func setLeverage(_ command: Command, symbol: String, leverage: Int64, firstTried: Int64, _ time: KernelTime) throws -> Command {
        do {
            var result: JSONObject = ["symbol": .string(symbol)]
            if let confirmed = try account.setLeverage(symbol: symbol, leverage: leverage) { result["leverage"] = .int(confirmed) }
            return try commands.acknowledge(command.id, result: result, now: time.now)
        } catch let error as ExchangeError where error.isDefinitive && !error.isRetryableLater {
            return try commands.fail(command.id, error: error.description, now: time.now)
        } catch {
            return postpone(command, .send, firstTried: firstTried, after: settings.retryIntervalMilliseconds, error: error, time)
        }
    }

    /// Cancels AlphaEngine's open orders on the symbol and nobody else's (issue 15: nothing
    /// outside is cancelled without a user's quarantine decision). With no outside order known on
    /// the symbol that is the exchange's cancel-all, one request; otherwise ours one by one.
    private func cancelOurs(symbol: String) throws {
        guard !writer.state.outsideOpenOrders(symbol).isEmpty else { return try account.cancelAll(symbol: symbol) }
        for order in writer.state.orders.values where order.symbol == symbol && order.status.isOpen && ClientOrderID.isOurs(order.clientOrderID) {
            do {
                _ = try writer.append(try account.cancel(symbol: symbol, clientOrderID: order.clientOrderID, type: order.type))
            } catch let error as ExchangeError where error.isNotFound {
                continue  // gone already; recordOpenOrders stores what it became
            }
        }
    }

    /// Stores the current state of the symbol's orders (after a cancel-all, the cancelled ones
    /// arrive by stream too; this makes the store right even without it).
    private func recordOpenOrders(symbol: String) throws {
        let ours = writer.state.orders.values.filter { $0.symbol == symbol && $0.status.isOpen }
        for order in ours {
            _ = try writer.append([try account.order(symbol: symbol, clientOrderID: order.clientOrderID, type: order.type)])
        }
    }

    /// One step of settling a command whose order may or may not exist: one query, no waiting.
    private func resolve(_ command: Command, sentAt: Timestamp, notFound: Int, firstTried: Int64, _ time: KernelTime) throws -> Command {
        guard let clientOrderID = try? command.clientOrderID, let symbol = try? command.payload.string("symbol") else {
            return try commands.fail(command.id, error: "cannot resolve: the command has no symbol or client id", now: time.now)
        }
        do {
            let type = try? command.payload.choice("type", as: OrderType.self)
            return try record(try account.order(symbol: symbol, clientOrderID: clientOrderID.value, type: type), for: command, resolvedBy: "query", time)
        } catch let error as ExchangeError where error.isNotFound {
            let count = notFound + 1
            let age = time.now.millisecondsSinceEpoch - sentAt.millisecondsSinceEpoch
            if count >= settings.notFoundQueries && age >= settings.notFoundGraceMilliseconds {
                return try commands.fail(command.id, error: "not placed: the exchange has no order \(clientOrderID.value) "
                    + "after \(count) queries, \(age) ms after sending", result: ["clientOrderId": .string(clientOrderID.value)], now: time.now)
            }
            return postpone(command, .resolve(sentAt: sentAt, notFound: count), firstTried: firstTried,
                            after: settings.queryIntervalMilliseconds, error: error, time)
        } catch {
            // Unknown again, unreachable, held back: ask again later; never send again.
            return postpone(command, .resolve(sentAt: sentAt, notFound: notFound), firstTried: firstTried,
                            after: settings.queryIntervalMilliseconds, error: error, time)
        }
    }

    /// Stores the order as the exchange reports it and acknowledges the command, in one transaction.
    private func record(_ orderEvent: Event, for command: Command, resolvedBy: String, _ time: KernelTime) throws -> Command {
        var event = orderEvent
        event.commandID = command.id
        event.correlationID = command.correlationID
        let order = try OrderPayload(json: event.payload)
        var result: JSONObject = ["resolvedBy": .string(resolvedBy), "status": .string(order.status.rawValue),
                                  "clientOrderId": .string(order.clientOrderID)]
        if let orderID = order.orderID { result["orderId"] = .string(orderID) }
        var acknowledged: Command?
        _ = try writer.append([event]) { acknowledged = try self.commands.acknowledge(command.id, result: result, now: time.now) }
        return acknowledged ?? command
    }
}
