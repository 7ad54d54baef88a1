import AlphaCore
import AlphaExchange
import AlphaJSON
import AlphaStore
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
        public init() {}
    }

    private let client: BinanceRESTClient
    private let writer: EventWriter
    private let commands: CommandStore
    private let settings: Settings

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

    func execute(_ command: Command) throws -> Command {
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
        let parameters = orderParameters + [("newClientOrderId", clientOrderID.value)]
        let sentAt = Timestamp.now()
        do {
            let answer = try client.signed("POST", "/fapi/v1/order", parameters)
            return try record(answer, for: command, resolvedBy: "answer")
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
        let query = [("symbol", symbol), ("origClientOrderId", clientOrderID)]
        do {
            return try record(try client.signed("DELETE", "/fapi/v1/order", query), for: command, resolvedBy: "answer")
        } catch BinanceRequestError.rejected(_, let code, let message) {
            // -2011: nothing open to cancel. Record what the order is now (filled, already cancelled…).
            if let state = try? client.signed("GET", "/fapi/v1/order", query), case .object(let order) = state {
                _ = try? writer.append([try BinanceEventTranslator.event(fromRESTOrder: order, scope: command.scope)])
            }
            return try commands.fail(command.id, error: "cancel refused (\(code)): \(message)")
        } catch {
            guard let state = try? client.signed("GET", "/fapi/v1/order", query) else { return command }  // SENT: retried later
            return try record(state, for: command, resolvedBy: "query")
        }
    }

    private func cancelAll(_ command: Command) throws -> Command {
        guard let symbol = try? command.payload.string("symbol") else {
            return try commands.fail(command.id, error: "invalid CancelAll payload: symbol is required")
        }
        do {
            _ = try client.signed("DELETE", "/fapi/v1/allOpenOrders", [("symbol", symbol)])
            try recordOpenOrders(symbol: symbol, scope: command.scope)
            return try commands.acknowledge(command.id, result: ["symbol": .string(symbol)])
        } catch let error as BinanceRequestError where error.isDefinitive {
            return try commands.fail(command.id, error: error.description)
        } catch {
            return command  // SENT: cancelling all again is harmless
        }
    }

    /// Cancels the symbol's open orders, then closes what is left with a reduce-only market order.
    private func closePosition(_ command: Command) throws -> Command {
        guard let symbol = try? command.payload.string("symbol") else {
            return try commands.fail(command.id, error: "invalid ClosePosition payload: symbol is required")
        }
        let amount: Amount
        do {
            _ = try client.signed("DELETE", "/fapi/v1/allOpenOrders", [("symbol", symbol)])
            guard case .array(let rows) = try client.signed("GET", "/fapi/v3/positionRisk", [("symbol", symbol)]) else {
                return command
            }
            var total = Amount.zero
            for case .object(let row) in rows { total += (try? row.amount("positionAmt")) ?? .zero }
            amount = total
        } catch let error as BinanceRequestError where error.isDefinitive {
            return try commands.fail(command.id, error: error.description)
        } catch {
            return command  // SENT: both steps are safe to repeat
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
        } catch let error as BinanceRequestError where error.isDefinitive {
            return try commands.fail(command.id, error: error.description)
        } catch {
            return command  // SENT: setting the same leverage again is harmless
        }
    }

    /// Stores the current state of the symbol's orders (after a cancel-all, the cancelled ones
    /// arrive by stream too; this makes the store right even without it).
    private func recordOpenOrders(symbol: String, scope: Scope) throws {
        let ours = writer.state.orders.values.filter { $0.symbol == symbol && $0.status.isOpen }
        for order in ours {
            guard case .object(let row) = try client.signed("GET", "/fapi/v1/order", [("symbol", symbol), ("origClientOrderId", order.clientOrderID)]) else { continue }
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
                let answer = try client.signed("GET", "/fapi/v1/order", [("symbol", symbol), ("origClientOrderId", clientOrderID.value)])
                return try record(answer, for: command, resolvedBy: "query")
            } catch BinanceRequestError.rejected(_, -2013, _) {
                notFound += 1
                let age = Timestamp.now().millisecondsSinceEpoch - sentAt.millisecondsSinceEpoch
                if notFound >= settings.notFoundQueries && age >= Int64(settings.notFoundGraceMilliseconds) {
                    return try commands.fail(command.id, error: "not placed: Binance has no order \(clientOrderID.value) "
                        + "after \(notFound) queries, \(age) ms after sending", result: ["clientOrderId": .string(clientOrderID.value)])
                }
            } catch {
                // Unknown again, rate limited, unreachable: keep asking within the budget.
            }
            usleep(UInt32(settings.queryIntervalMilliseconds) * 1000)
        }
        return command  // still SENT: the next pass or the next boot resolves it
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
