import AlphaCore
import AlphaExchange
import AlphaJSON
import AlphaStore
import AlphaSystem
import Foundation

/// Carries out order commands without ever placing an order twice (DESIGN §6).
///
/// Write-ahead: a command is claimed (SENT) before its request leaves, and its order carries
/// the client id `ae-<command id>`, so the exchange itself can tell whether it exists. A
/// definitive answer settles the command. An unknown one (timeout, 5xx, -1007) is resolved by
/// querying that client id: found means placed; not found is final only once the order is old
/// enough for the exchange to know it and repeated queries agree. Until then the command stays
/// SENT, and the next pass (or the next boot) resolves it; it is never simply sent again.
public final class OrderExecutor {
    public struct Settings: Sendable {
        /// How long after sending a "not found" can be believed.
        public var notFoundGraceMilliseconds = 10_000
        /// How many agreeing "not found" answers make it final.
        public var notFoundQueries = 2
        public var queryIntervalMilliseconds = 500
        /// How long one resolution keeps trying before leaving the command SENT for later.
        public var resolveBudgetMilliseconds = 30_000
        /// How long a command whose request could not leave (429, 418, unreachable) keeps
        /// waiting before it fails: an order placed minutes late is not what was asked for.
        public var retryBudgetMilliseconds = 120_000
        /// The pause before taking up a command left SENT by an unknown outcome again.
        public var retryIntervalMilliseconds = 1_000
        public init() {}
    }

    /// A command left SENT that this executor takes up again (`retryPending`).
    private struct Pending {
        enum Work {
            /// The request surely never left (rate limit, unreachable): carry the command out again.
            case send
            /// An order's fate is unknown: only ever query it, never send it again.
            case resolve(sentAt: Timestamp)
        }
        let command: Command
        let work: Work
        let firstTried: Int64
        var notBefore: Int64
        var lastError: String
    }

    private let account: any ExchangeAccount
    private let writer: EventWriter
    private let commands: CommandStore
    private let settings: Settings
    private var pending: [String: Pending] = [:]

    public init(account: any ExchangeAccount, writer: EventWriter, commands: CommandStore, settings: Settings = Settings()) {
        self.account = account
        self.writer = writer
        self.commands = commands
        self.settings = settings
    }

    /// Claims the next command (highest priority, oldest first) and carries it out.
    @discardableResult
    public func runNext() throws -> Command? {
        guard let command = try commands.claimNext() else { return nil }
        return try execute(command)
    }

    /// Boot: every command left SENT by a previous run is resolved before anything new runs.
    public func resolveInFlight() throws -> [Command] {
        try commands.inFlight().map { command in
            guard command.type == .placeOrder else {
                return try commands.fail(command.id, error: "interrupted by a restart; \(command.type.rawValue) is not resumed")
            }
            return try resolve(command, sentAt: command.claimedAt ?? command.updatedAt)
        }
    }

    /// Whether commands are waiting to be taken up again.
    public var hasPending: Bool { !pending.isEmpty }

    /// Takes up again the commands that are due: nothing while the rate-limit gate is closed.
    /// Returns the commands as they now stand.
    @discardableResult
    public func retryPending(now: Int64 = MonotonicClock.milliseconds()) throws -> [Command] {
        guard account.gate.closure(now: now) == nil else { return [] }
        var done: [Command] = []
        for (id, entry) in pending.sorted(by: { $0.value.firstTried < $1.value.firstTried }) where entry.notBefore <= now {
            pending[id] = nil
            guard let current = try commands.command(id: id), current.status == .sent else { continue }
            switch entry.work {
            case .send:
                if now - entry.firstTried > Int64(settings.retryBudgetMilliseconds) {
                    done.append(try commands.fail(id, error: "gave up after \(now - entry.firstTried) ms: \(entry.lastError)"))
                } else {
                    done.append(try execute(current, firstTried: entry.firstTried))
                }
            case .resolve(let sentAt):
                done.append(try resolve(current, sentAt: sentAt))
            }
        }
        return done
    }

    /// Leaves the command SENT and remembers to take it up again.
    private func postpone(_ command: Command, _ work: Pending.Work, error: any Error) -> Command {
        let now = MonotonicClock.milliseconds()
        let firstTried = pending[command.id]?.firstTried ?? currentFirstTried ?? now
        pending[command.id] = Pending(command: command, work: work, firstTried: firstTried,
                                      notBefore: now + Int64(settings.retryIntervalMilliseconds), lastError: "\(error)")
        return command
    }

    /// When the command being executed was first tried (set while a retry runs).
    private var currentFirstTried: Int64?

    func execute(_ command: Command) throws -> Command {
        try execute(command, firstTried: nil)
    }

    private func execute(_ command: Command, firstTried: Int64?) throws -> Command {
        currentFirstTried = firstTried
        defer { currentFirstTried = nil }
        switch command.type {
        case .placeOrder:
            do {
                return try place(command, order: try OrderRequest(payload: command.payload))
            } catch let error as PayloadError {
                return try commands.fail(command.id, error: "invalid PlaceOrder payload: \(error)")
            }
        case .cancelOrder: return try cancelOrder(command)
        case .cancelAll: return try cancelAll(command)
        case .closePosition: return try closePosition(command)
        case .setLeverage: return try setLeverage(command)
        default: return try commands.fail(command.id, error: "\(command.type.rawValue) is not handled by the order executor")
        }
    }

    /// Places `order` under the command's client id.
    private func place(_ command: Command, order: OrderRequest) throws -> Command {
        let clientOrderID: ClientOrderID
        do {
            clientOrderID = try command.clientOrderID
        } catch {
            return try commands.fail(command.id, error: "the command id cannot make a client order id: \(error)")
        }
        let sentAt = Timestamp.now()
        do {
            return try record(try account.place(order, clientOrderID: clientOrderID.value), for: command, resolvedBy: "answer")
        } catch let error as ExchangeError where error.isRetryableLater {
            return postpone(command, .send, error: error)  // it never left: the same client id goes out once the gate opens
        } catch let error as ExchangeError where error.isDefinitive {
            return try commands.fail(command.id, error: error.description, result: ["clientOrderId": .string(clientOrderID.value)])
        } catch is ExchangeError {
            return try resolve(command, sentAt: sentAt)
        } catch let error as PayloadError {
            // Binance answered, but not in a shape we can read: whether the order exists is unknown.
            return try resolve(command, sentAt: sentAt, reason: "unreadable answer: \(error)")
        }
    }

    /// Cancels one order by its client id. Sending a cancel twice is harmless, so an unknown
    /// outcome is settled by asking for the order's state.
    private func cancelOrder(_ command: Command) throws -> Command {
        let symbol: String, clientOrderID: String
        do {
            symbol = try command.payload.string("symbol")
            clientOrderID = try command.payload.string("clientOrderId")
        } catch {
            return try commands.fail(command.id, error: "invalid CancelOrder payload: \(error)")
        }
        let type = writer.state.orders[clientOrderID]?.type
        do {
            return try record(try account.cancel(symbol: symbol, clientOrderID: clientOrderID, type: type), for: command, resolvedBy: "answer")
        } catch ExchangeError.rejected(let status, let code, let message) where status < 500 {
            // -2011: nothing open to cancel. Record what the order is now (filled, already cancelled…).
            if let state = try? account.order(symbol: symbol, clientOrderID: clientOrderID, type: type) { _ = try? writer.append([state]) }
            return try commands.fail(command.id, error: "cancel refused (\(code)): \(message)")
        } catch {
            // Sending a cancel again is harmless: ask for the order's state, or try again later.
            do {
                return try record(try account.order(symbol: symbol, clientOrderID: clientOrderID, type: type), for: command, resolvedBy: "query")
            } catch let queryError {
                return postpone(command, .send, error: queryError)
            }
        }
    }

    private func cancelAll(_ command: Command) throws -> Command {
        guard let symbol = try? command.payload.string("symbol") else {
            return try commands.fail(command.id, error: "invalid CancelAll payload: symbol is required")
        }
        do {
            try account.cancelAll(symbol: symbol)
            try recordOpenOrders(symbol: symbol)
            return try commands.acknowledge(command.id, result: ["symbol": .string(symbol)])
        } catch let error as ExchangeError where error.isDefinitive && !error.isRetryableLater {
            return try commands.fail(command.id, error: error.description)
        } catch {
            return postpone(command, .send, error: error)  // cancelling all again is harmless
        }
    }

    /// Cancels the symbol's open orders, then closes what is left with a reduce-only market order.
    private func closePosition(_ command: Command) throws -> Command {
        guard let symbol = try? command.payload.string("symbol") else {
            return try commands.fail(command.id, error: "invalid ClosePosition payload: symbol is required")
        }
        let amount: Amount
        do {
            try account.cancelAll(symbol: symbol)
            amount = try account.positions(symbol: symbol).filter { $0.symbol == symbol }.reduce(Amount.zero) { $0 + $1.amount }
        } catch let error as ExchangeError where error.isDefinitive && !error.isRetryableLater {
            return try commands.fail(command.id, error: error.description)
        } catch {
            return postpone(command, .send, error: error)  // both steps are safe to repeat
        }
        guard !amount.isZero else { return try commands.acknowledge(command.id, result: ["symbol": .string(symbol), "closed": "0"]) }
        return try place(command, order: OrderRequest(symbol: symbol, side: amount.isNegative ? .buy : .sell, type: .market,
                                                      quantity: amount.magnitude, reduceOnly: true))
    }

    private func setLeverage(_ command: Command) throws -> Command {
        guard let symbol = try? command.payload.string("symbol"), let leverage = try? command.payload.int64("leverage") else {
            return try commands.fail(command.id, error: "invalid SetLeverage payload: symbol and leverage are required")
        }
        do {
            var result: JSONObject = ["symbol": .string(symbol)]
            if let confirmed = try account.setLeverage(symbol: symbol, leverage: leverage) { result["leverage"] = .int(confirmed) }
            return try commands.acknowledge(command.id, result: result)
        } catch let error as ExchangeError where error.isDefinitive && !error.isRetryableLater {
            return try commands.fail(command.id, error: error.description)
        } catch {
            return postpone(command, .send, error: error)  // setting the same leverage again is harmless
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

    /// Settles a command whose order may or may not exist, by asking the exchange.
    func resolve(_ command: Command, sentAt: Timestamp, reason: String = "unresolved within the budget") throws -> Command {
        guard let clientOrderID = try? command.clientOrderID, let symbol = try? command.payload.string("symbol") else {
            return try commands.fail(command.id, error: "cannot resolve: the command has no symbol or client id")
        }
        let started = Timestamp.now()
        var notFound = 0
        while Timestamp.now().millisecondsSinceEpoch - started.millisecondsSinceEpoch < Int64(settings.resolveBudgetMilliseconds) {
            do {
                let type = try? command.payload.choice("type", as: OrderType.self)
                return try record(try account.order(symbol: symbol, clientOrderID: clientOrderID.value, type: type), for: command, resolvedBy: "query")
            } catch let error as ExchangeError where error.isNotFound {
                notFound += 1
                let age = Timestamp.now().millisecondsSinceEpoch - sentAt.millisecondsSinceEpoch
                if notFound >= settings.notFoundQueries && age >= Int64(settings.notFoundGraceMilliseconds) {
                    return try commands.fail(command.id, error: "not placed: the exchange has no order \(clientOrderID.value) "
                        + "after \(notFound) queries, \(age) ms after sending", result: ["clientOrderId": .string(clientOrderID.value)])
                }
            } catch where account.gate.closure() != nil {
                return postpone(command, .resolve(sentAt: sentAt), error: error)  // asking now would only prolong the limit
            } catch {
                // Unknown again, unreachable: keep asking within the budget.
            }
            usleep(UInt32(settings.queryIntervalMilliseconds) * 1000)
        }
        // Still SENT: asked again on a later pass (or at the next boot), never sent again.
        return postpone(command, .resolve(sentAt: sentAt), error: ExchangeError.unknown(reason: reason))
    }

    /// Stores the order as the exchange reports it and acknowledges the command, in one transaction.
    private func record(_ orderEvent: Event, for command: Command, resolvedBy: String) throws -> Command {
        var event = orderEvent
        event.commandID = command.id
        event.correlationID = command.correlationID
        let order = try OrderPayload(json: event.payload)
        var result: JSONObject = ["resolvedBy": .string(resolvedBy), "status": .string(order.status.rawValue),
                                  "clientOrderId": .string(order.clientOrderID)]
        if let orderID = order.orderID { result["orderId"] = .int(orderID) }
        var acknowledged: Command?
        _ = try writer.append([event]) { _ in acknowledged = try self.commands.acknowledge(command.id, result: result) }
        return acknowledged ?? command
    }
}
