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

    private let client: BinanceRESTClient
    private let writer: EventWriter
    private let commands: CommandStore
    private let settings: Settings
    private var pending: [String: Pending] = [:]

    public init(client: BinanceRESTClient, writer: EventWriter, commands: CommandStore, settings: Settings = Settings()) {
        self.client = client
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
        guard client.gate.closure(now: now) == nil else { return [] }
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
                return try place(command, parameters: try Self.orderParameters(command.payload))
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

    /// Places the order described by `parameters` under the command's client id.
    private func place(_ command: Command, parameters orderParameters: [(String, String)]) throws -> Command {
        let clientOrderID: ClientOrderID
        do {
            clientOrderID = try command.clientOrderID
        } catch {
            return try commands.fail(command.id, error: "the command id cannot make a client order id: \(error)")
        }
        let route = OrderRoute.for(orderParameters.first { $0.0 == "type" }.flatMap { OrderType(rawValue: $0.1) })
        let parameters = route.placing(orderParameters, clientOrderID: clientOrderID.value)
        let sentAt = Timestamp.now()
        do {
            let answer = try client.signed("POST", route.path, parameters)
            return try record(answer, for: command, resolvedBy: "answer")
        } catch let error as BinanceRequestError where error.isRetryableLater {
            return postpone(command, .send, error: error)  // it never left: the same client id goes out once the gate opens
        } catch let error as BinanceRequestError where error.isDefinitive {
            return try commands.fail(command.id, error: error.description, result: ["clientOrderId": .string(clientOrderID.value)])
        } catch is BinanceRequestError {
            return try resolve(command, sentAt: sentAt)
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
        let route = OrderRoute.for(writer.state.orders[clientOrderID]?.type)
        let query = route.query(symbol: symbol, clientOrderID: clientOrderID)
        do {
            let answer = try client.signed("DELETE", route.path, query)
            // The algo API answers a cancel with a receipt, not the order: ask for the order.
            return try record(route.isAlgo ? try client.signed("GET", route.path, query) : answer, for: command, resolvedBy: "answer")
        } catch BinanceRequestError.rejected(let status, let code, let message) where status < 500 {
            // -2011: nothing open to cancel. Record what the order is now (filled, already cancelled…).
            if let state = try? client.signed("GET", route.path, query), case .object(let order) = state {
                _ = try? writer.append([try BinanceEventTranslator.event(fromRESTOrder: order, scope: command.scope)])
            }
            return try commands.fail(command.id, error: "cancel refused (\(code)): \(message)")
        } catch {
            // Sending a cancel again is harmless: ask for the order's state, or try again later.
            do {
                return try record(try client.signed("GET", route.path, query), for: command, resolvedBy: "query")
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
            try cancelOpenOrders(symbol: symbol)
            try recordOpenOrders(symbol: symbol, scope: command.scope)
            return try commands.acknowledge(command.id, result: ["symbol": .string(symbol)])
        } catch let error as BinanceRequestError where error.isDefinitive && !error.isRetryableLater {
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
            try cancelOpenOrders(symbol: symbol)
            guard case .array(let rows) = try client.signed("GET", "/fapi/v3/positionRisk", [("symbol", symbol)]) else {
                return try commands.fail(command.id, error: "positionRisk answered something that is not a list")
            }
            var total = Amount.zero
            for case .object(let row) in rows { total += (try? row.amount("positionAmt")) ?? .zero }
            amount = total
        } catch let error as BinanceRequestError where error.isDefinitive && !error.isRetryableLater {
            return try commands.fail(command.id, error: error.description)
        } catch {
            return postpone(command, .send, error: error)  // both steps are safe to repeat
        }
        guard !amount.isZero else { return try commands.acknowledge(command.id, result: ["symbol": .string(symbol), "closed": "0"]) }
        return try place(command, parameters: [("symbol", symbol), ("side", amount.isNegative ? "BUY" : "SELL"), ("type", "MARKET"),
                                               ("quantity", amount.magnitude.description), ("reduceOnly", "true")])
    }

    private func setLeverage(_ command: Command) throws -> Command {
        guard let symbol = try? command.payload.string("symbol"), let leverage = try? command.payload.int64("leverage") else {
            return try commands.fail(command.id, error: "invalid SetLeverage payload: symbol and leverage are required")
        }
        do {
            let answer = try client.signed("POST", "/fapi/v1/leverage", [("symbol", symbol), ("leverage", String(leverage))])
            var result: JSONObject = ["symbol": .string(symbol)]
            if case .object(let object) = answer { result["leverage"] = object["leverage"] }
            return try commands.acknowledge(command.id, result: result)
        } catch let error as BinanceRequestError where error.isDefinitive && !error.isRetryableLater {
            return try commands.fail(command.id, error: error.description)
        } catch {
            return postpone(command, .send, error: error)  // setting the same leverage again is harmless
        }
    }

    /// Cancels the symbol's plain and conditional open orders (Binance keeps them apart).
    private func cancelOpenOrders(symbol: String) throws {
        _ = try client.signed("DELETE", "/fapi/v1/allOpenOrders", [("symbol", symbol)])
        _ = try client.signed("DELETE", "/fapi/v1/algoOpenOrders", [("symbol", symbol)])
    }

    /// Stores the current state of the symbol's orders (after a cancel-all, the cancelled ones
    /// arrive by stream too; this makes the store right even without it).
    private func recordOpenOrders(symbol: String, scope: Scope) throws {
        let ours = writer.state.orders.values.filter { $0.symbol == symbol && $0.status.isOpen }
        for order in ours {
            let route = OrderRoute.for(order.type)
            guard case .object(let row) = try client.signed("GET", route.path, route.query(symbol: symbol, clientOrderID: order.clientOrderID)) else { continue }
            _ = try writer.append([try BinanceEventTranslator.event(fromRESTOrder: row, scope: scope)])
        }
    }

    /// Settles a command whose order may or may not exist, by asking the exchange.
    func resolve(_ command: Command, sentAt: Timestamp) throws -> Command {
        guard let clientOrderID = try? command.clientOrderID, let symbol = try? command.payload.string("symbol") else {
            return try commands.fail(command.id, error: "cannot resolve: the command has no symbol or client id")
        }
        let started = Timestamp.now()
        var notFound = 0
        while Timestamp.now().millisecondsSinceEpoch - started.millisecondsSinceEpoch < Int64(settings.resolveBudgetMilliseconds) {
            do {
                let route = OrderRoute.for(try? command.payload.choice("type", as: OrderType.self))
                let answer = try client.signed("GET", route.path, route.query(symbol: symbol, clientOrderID: clientOrderID.value))
                return try record(answer, for: command, resolvedBy: "query")
            } catch BinanceRequestError.rejected(_, -2013, _) {
                notFound += 1
                let age = Timestamp.now().millisecondsSinceEpoch - sentAt.millisecondsSinceEpoch
                if notFound >= settings.notFoundQueries && age >= Int64(settings.notFoundGraceMilliseconds) {
                    return try commands.fail(command.id, error: "not placed: Binance has no order \(clientOrderID.value) "
                        + "after \(notFound) queries, \(age) ms after sending", result: ["clientOrderId": .string(clientOrderID.value)])
                }
            } catch where client.gate.closure() != nil {
                return postpone(command, .resolve(sentAt: sentAt), error: error)  // asking now would only prolong the limit
            } catch {
                // Unknown again, unreachable: keep asking within the budget.
            }
            usleep(UInt32(settings.queryIntervalMilliseconds) * 1000)
        }
        // Still SENT: asked again on a later pass (or at the next boot), never sent again.
        return postpone(command, .resolve(sentAt: sentAt), error: BinanceRequestError.unknown(reason: "unresolved within the budget"))
    }

    /// Stores the order as Binance reports it and acknowledges the command, in one transaction.
    private func record(_ answer: JSONValue, for command: Command, resolvedBy: String) throws -> Command {
        guard case .object(let order) = answer else { return try commands.fail(command.id, error: "order answer is not an object") }
        var event = try BinanceEventTranslator.event(fromRESTOrder: order, scope: command.scope)
        event.commandID = command.id
        event.correlationID = command.correlationID
        var result: JSONObject = ["resolvedBy": .string(resolvedBy)]
        result["orderId"] = order["orderId"]
        result["status"] = order["status"]
        result["clientOrderId"] = order["clientOrderId"]
        var acknowledged: Command?
        _ = try writer.append([event]) { _ in acknowledged = try self.commands.acknowledge(command.id, result: result) }
        return acknowledged ?? command
    }

    /// Binance's parameters from a PlaceOrder payload; amounts are passed as their exact decimal text.
    static func orderParameters(_ payload: JSONObject) throws -> [(String, String)] {
        var parameters: [(String, String)] = [
            ("symbol", try payload.string("symbol")),
            ("side", try payload.choice("side", as: OrderSide.self).rawValue),
            ("type", try payload.choice("type", as: OrderType.self).rawValue),
        ]
        if let quantity = try payload.optionalAmount("quantity") { parameters.append(("quantity", quantity.description)) }
        if let price = try payload.optionalAmount("price") { parameters.append(("price", price.description)) }
        if let stopPrice = try payload.optionalAmount("stopPrice") { parameters.append(("stopPrice", stopPrice.description)) }
        if let timeInForce = try payload.optionalString("timeInForce") { parameters.append(("timeInForce", timeInForce)) }
        if try payload.optionalBool("reduceOnly") == true { parameters.append(("reduceOnly", "true")) }
        return parameters
    }
}
