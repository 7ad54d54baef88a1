import AlphaCore
import AlphaJSON

/// `ExchangeAccount` for Binance USDⓈ-M Futures over signed REST: the paths, parameter names,
/// order routes (plain or algo) and JSON shapes live here and in `BinanceEventTranslator`.
public final class BinanceAccount: ExchangeAccount {
    public let client: BinanceRESTClient
    public let scope: Scope

    public init(client: BinanceRESTClient, scope: Scope) {
        self.client = client
        self.scope = scope
    }

    public func syncClock() throws { try client.syncTime() }

    public func isHedgeMode() throws -> Bool {
        guard case .object(let mode) = try client.signed("GET", "/fapi/v1/positionSide/dual", []) else {
            throw ExchangeError.unknown(reason: "no position mode in the answer")
        }
        return mode["dualSidePosition"] == .bool(true)
    }

    public func place(_ order: OrderRequest, clientOrderID: String) throws -> Event {
        let route = OrderRoute.for(order.type)
        return try orderEvent(try client.signed("POST", route.path, route.placing(Self.parameters(order), clientOrderID: clientOrderID)))
    }

    public func order(symbol: String, clientOrderID: String, type: OrderType?) throws -> Event {
        let route = OrderRoute.for(type)
        return try orderEvent(try client.signed("GET", route.path, route.query(symbol: symbol, clientOrderID: clientOrderID)))
    }

    public func cancel(symbol: String, clientOrderID: String, type: OrderType?) throws -> Event {
        let route = OrderRoute.for(type)
        let answer = try client.signed("DELETE", route.path, route.query(symbol: symbol, clientOrderID: clientOrderID))
        // The algo API answers a cancel with a receipt, not the order: ask for the order.
        return route.isAlgo ? try order(symbol: symbol, clientOrderID: clientOrderID, type: type) : try orderEvent(answer)
    }

    public func cancelAll(symbol: String) throws {
        _ = try client.signed("DELETE", "/fapi/v1/allOpenOrders", [("symbol", symbol)])
        _ = try client.signed("DELETE", "/fapi/v1/algoOpenOrders", [("symbol", symbol)])
    }

    public func openOrders(symbol: String) throws -> [Event] {
        // Plain and conditional (algo) orders are listed apart.
        guard case .array(let plain) = try client.signed("GET", "/fapi/v1/openOrders", [("symbol", symbol)]),
              case .array(let algo) = try client.signed("GET", "/fapi/v1/openAlgoOrders", [("symbol", symbol)])
        else { throw ExchangeError.unknown(reason: "open orders: the answer is not a list") }
        return try (plain + algo).map { try orderEvent($0) }
    }

    public func positions(symbol: String?) throws -> [PositionPayload] {
        guard case .array(let rows) = try client.signed("GET", "/fapi/v3/positionRisk", symbol.map { [("symbol", $0)] } ?? []) else {
            throw ExchangeError.unknown(reason: "positionRisk: the answer is not a list")
        }
        var positions: [PositionPayload] = []
        for case .object(let row) in rows {
            positions.append(PositionPayload(symbol: try row.string("symbol"), amount: try row.amount("positionAmt"),
                                             entryPrice: try row.amount("entryPrice"), unrealizedPnl: try row.amount("unRealizedProfit"),
                                             reason: "reconcile", time: (try? row.int64("updateTime")) ?? Timestamp.now().millisecondsSinceEpoch))
        }
        return positions
    }

    public func balances() throws -> [BalancePayload] {
        guard case .array(let rows) = try client.signed("GET", "/fapi/v3/balance", []) else {
            throw ExchangeError.unknown(reason: "balance: the answer is not a list")
        }
        var balances: [BalancePayload] = []
        for case .object(let row) in rows {
            balances.append(BalancePayload(asset: try row.string("asset"), walletBalance: try row.amount("balance"),
                                           crossWalletBalance: try row.amount("crossWalletBalance"), reason: "reconcile",
                                           time: (try? row.int64("updateTime")) ?? Timestamp.now().millisecondsSinceEpoch))
        }
        return balances
    }

    public func setLeverage(symbol: String, leverage: Int64) throws -> Int64? {
        guard case .object(let answer) = try client.signed("POST", "/fapi/v1/leverage", [("symbol", symbol), ("leverage", String(leverage))])
        else { return nil }
        return try? answer.int64("leverage")
    }

    /// Binance pages fills by id: the first page of the whole history is `fromId=0`, and a
    /// page's `next` is the id after its last row.
    public func trades(symbol: String, start: Int64?, end: Int64?, after cursor: String?, limit: Int,
                       clientOrderIDs: [String: String]) throws -> ExchangePage {
        var query: [(String, String)] = [("symbol", symbol)]
        if let cursor {
            guard let fromID = Int64(cursor), fromID >= 0 else { throw ExchangeError.unknown(reason: "userTrades: '\(cursor.prefix(40))' is not a page of Binance's") }
            query.append(("fromId", String(fromID)))
        } else if start == nil, end == nil {
            query.append(("fromId", "0"))
        }
        if let start { query.append(("startTime", String(start))) }
        if let end { query.append(("endTime", String(end))) }
        query.append(("limit", String(limit)))
        guard case .array(let rows) = try client.signed("GET", "/fapi/v1/userTrades", query) else {
            throw ExchangeError.unknown(reason: "userTrades: the answer is not a list")
        }
        let events = try BinanceEventTranslator.events(fromUserTrades: rows, clientOrderIDs: clientOrderIDs, scope: scope)
        guard case .object(let last)? = rows.last else { return ExchangePage(events: events, rows: 0, next: nil, lastTime: nil) }
        let next = (try? last.int64("id")).map { String($0 + 1) }
        return ExchangePage(events: events, rows: rows.count, next: next, lastTime: try? last.int64("time"))
    }

    public func funding(start: Int64, limit: Int) throws -> ExchangePage {
        guard case .array(let rows) = try client.signed("GET", "/fapi/v1/income", [("incomeType", "FUNDING_FEE"), ("startTime", String(max(0, start))),
                                                                                   ("limit", String(limit))])
        else { throw ExchangeError.unknown(reason: "income: the answer is not a list") }
        let events = try BinanceEventTranslator.events(fromIncome: rows, scope: scope)
        guard case .object(let last)? = rows.last else { return ExchangePage(events: events, rows: 0, next: nil, lastTime: nil) }
        return ExchangePage(events: events, rows: rows.count, next: nil, lastTime: try? last.int64("time"))
    }

    private func orderEvent(_ answer: JSONValue) throws -> Event {
        guard case .object(let row) = answer else { throw ExchangeError.unknown(reason: "the order answer is not an object") }
        return try BinanceEventTranslator.event(fromRESTOrder: row, scope: scope)
    }

    /// Binance's parameters for an order; amounts are passed as their exact decimal text.
    static func parameters(_ order: OrderRequest) -> [(String, String)] {
        var parameters: [(String, String)] = [("symbol", order.symbol), ("side", order.side.rawValue), ("type", order.type.rawValue)]
        if let quantity = order.quantity { parameters.append(("quantity", quantity.description)) }
        if let price = order.price { parameters.append(("price", price.description)) }
        if let stopPrice = order.stopPrice { parameters.append(("stopPrice", stopPrice.description)) }
        if let timeInForce = order.timeInForce { parameters.append(("timeInForce", timeInForce)) }
        if order.reduceOnly { parameters.append(("reduceOnly", "true")) }
        return parameters
    }
}
