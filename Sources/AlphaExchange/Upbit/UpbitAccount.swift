import AlphaCore
import AlphaJSON
import Foundation

/// `ExchangeAccount` for Upbit KRW spot (issue 18). Our client order id is Upbit's `identifier`,
/// so an order whose fate is unknown is found by it, never sent again (a reused identifier is
/// refused by Upbit and answered here as an unknown outcome, to be resolved by asking).
///
/// Spot in the engine's terms: a coin held is a long position (balance plus locked, at the
/// average buy price), KRW the wallet; there is no leverage, funding or short. A MARKET buy of a
/// quantity is Upbit's `price` order of that quantity's KRW at the last price (Upbit buys by
/// amount; the volume it gets is what that amount buys). Upbit has no stop orders over its API:
/// a STOP_MARKET or TAKE_PROFIT_MARKET is refused here, definitively.
public final class UpbitAccount: ExchangeAccount {
    public let client: UpbitRESTClient
    public let scope: Scope

    public init(client: UpbitRESTClient, scope: Scope) {
        self.client = client
        self.scope = scope
    }

    /// Upbit's requests carry no timestamp to keep in step.
    public func syncClock() throws {}
    public func isHedgeMode() throws -> Bool { false }

    public func place(_ order: OrderRequest, clientOrderID: String) throws -> Event {
        var parameters: [(String, String)] = [("market", order.symbol), ("side", order.side == .buy ? "bid" : "ask")]
        switch order.type {
        case .limit:
            guard let price = order.price, let quantity = order.quantity else { throw ExchangeError.rejected(status: 400, code: 0, message: "a limit needs price and quantity") }
            parameters += [("ord_type", "limit"), ("price", price.description), ("volume", quantity.description)]
            if let tif = order.timeInForce?.lowercased(), tif == "ioc" || tif == "fok" { parameters.append(("time_in_force", tif)) }
        case .market where order.side == .buy:
            guard let quantity = order.quantity else { throw ExchangeError.rejected(status: 400, code: 0, message: "a market buy needs a quantity") }
            // Upbit buys by KRW amount: this quantity's worth at the last price, in whole won.
            let total = (quantity * (try lastPrice(order.symbol))).rounded(scale: 0, mode: .down)
            parameters += [("ord_type", "price"), ("price", total.description)]
        case .market:
            guard let quantity = order.quantity else { throw ExchangeError.rejected(status: 400, code: 0, message: "a market sell needs a quantity") }
            parameters += [("ord_type", "market"), ("volume", quantity.description)]
        default:
            throw ExchangeError.rejected(status: 400, code: 0, message: "Upbit has no \(order.type.rawValue) orders over its API")
        }
        parameters.append(("identifier", clientOrderID))
        return try orderEvent(try client.exchange("POST", "/v1/orders", parameters, group: "order"))
    }

    public func order(symbol: String, clientOrderID: String, type: OrderType?) throws -> Event {
        try orderEvent(try client.exchange("GET", "/v1/order", [("identifier", clientOrderID)]))
    }

    /// Upbit answers a cancel with the order as it was: its state after is asked for.
    public func cancel(symbol: String, clientOrderID: String, type: OrderType?) throws -> Event {
        _ = try client.exchange("DELETE", "/v1/order", [("identifier", clientOrderID)])
        return try order(symbol: symbol, clientOrderID: clientOrderID, type: type)
    }

    public func cancelAll(symbol: String) throws {
        for case .object(let row) in try rows(client.exchange("GET", "/v1/orders/open", [("market", symbol)]), "open orders") {
            _ = try client.exchange("DELETE", "/v1/order", [("uuid", try row.string("uuid"))])
        }
    }

    public func openOrders(symbol: String) throws -> [Event] {
        try rows(client.exchange("GET", "/v1/orders/open", [("market", symbol)]), "open orders").map { try orderEvent($0) }
    }

    /// Coins held, as long positions: balance plus what open orders hold, at the average buy price.
    public func positions(symbol: String?) throws -> [PositionPayload] {
        let now = Timestamp.now().millisecondsSinceEpoch
        return try accounts().compactMap { row in
            let currency = try row.string("currency")
            guard currency != "KRW", (try? row.string("unit_currency")) ?? "KRW" == "KRW" else { return nil }
            let market = "KRW-\(currency)"
            guard symbol == nil || symbol == market else { return nil }
            return PositionPayload(symbol: market, amount: try row.amount("balance") + (try row.amount("locked")),
                                   entryPrice: try row.amount("avg_buy_price"), reason: "reconcile", time: now)
        }
    }

    /// KRW: the wallet is what is free plus what open bids hold; the free part is what can be spent.
    public func balances() throws -> [BalancePayload] {
        let now = Timestamp.now().millisecondsSinceEpoch
        return try accounts().compactMap { row in
            guard try row.string("currency") == "KRW" else { return nil }
            let free = try row.amount("balance")
            return BalancePayload(asset: "KRW", walletBalance: free + (try row.amount("locked")), crossWalletBalance: free, reason: "reconcile", time: now)
        }
    }

    public func setLeverage(symbol: String, leverage: Int64) throws -> Int64? {
        throw ExchangeError.rejected(status: 400, code: 0, message: "spot has no leverage")
    }

    /// Upbit lists fills only inside their orders: the closed orders of the window (newest first,
    /// at most `limit`), each read whole for its trades, oldest first. `after` is not used: the
    /// caller pages by time.
    public func trades(symbol: String, start: Int64?, end: Int64?, after: String?, limit: Int,
                       clientOrderIDs: [String: String]) throws -> ExchangePage {
        var query: [(String, String)] = [("market", symbol), ("limit", String(min(limit, 1000))), ("order_by", "asc")]
        if let start { query.append(("start_time", String(start))) }
        if let end { query.append(("end_time", String(end))) }
        let closed = try rows(client.exchange("GET", "/v1/orders/closed", query), "closed orders")
        var events: [Event] = []
        var lastTime: Int64?
        for case .object(let summary) in closed where (try? summary.int64("trades_count")) ?? 0 > 0 {
            guard case .object(let row) = try client.exchange("GET", "/v1/order", [("uuid", try summary.string("uuid"))]) else { continue }
            let side: OrderSide = try row.string("side") == "bid" ? .buy : .sell
            let uuid = try row.string("uuid")
            let clientOrderID = (try? row.string("identifier")) ?? clientOrderIDs[uuid]
            guard case .array(let fills)? = row["trades"] else { continue }
            for case .object(let trade) in fills {
                let time = Self.time(try trade.string("created_at")) ?? Timestamp.now().millisecondsSinceEpoch
                let tradeID = try trade.string("uuid")
                let fill = TradePayload(symbol: symbol, tradeID: tradeID, orderID: uuid, clientOrderID: clientOrderID, side: side,
                                        price: try trade.amount("price"), quantity: try trade.amount("volume"), realizedPnl: .zero, pnlAsset: "KRW",
                                        maker: false, time: time)
                events.append(ExchangeEvents.trade(fill, source: .rest, scope: scope))
                let fee = try trade.amount("funds") * UpbitKRWMarket.feeRate
                events.append(ExchangeEvents.fee(FeePayload(symbol: symbol, tradeID: tradeID, asset: "KRW", amount: fee, time: time),
                                                              source: .rest, scope: scope))
                lastTime = max(lastTime ?? time, time)
            }
        }
        return ExchangePage(events: events, rows: closed.count, next: nil, lastTime: lastTime)
    }

    /// Spot pays no funding.
    public func funding(start: Int64, limit: Int) throws -> ExchangePage { ExchangePage(events: [], rows: 0, next: nil, lastTime: nil) }

    // MARK: Reading Upbit's answers

    private func accounts() throws -> [JSONObject] {
        try rows(client.exchange("GET", "/v1/accounts"), "accounts").compactMap { if case .object(let row) = $0 { row } else { nil } }
    }

    private func rows(_ answer: JSONValue, _ what: String) throws -> [JSONValue] {
        guard case .array(let rows) = answer else { throw ExchangeError.unknown(reason: "\(what): the answer is not a list") }
        return rows
    }

    private func lastPrice(_ market: String) throws -> Amount {
        guard case .array(let rows) = try client.quotation("/v1/ticker", [("markets", market)], group: "ticker"),
              case .object(let ticker)? = rows.first, case .number(let text)? = ticker["trade_price"], let price = Amount(jsonNumber: text) else {
            throw ExchangeError.unknown(reason: "ticker \(market): no trade_price")
        }
        return price
    }

    /// One order's state as an event (`UpbitEventTranslator`), its figures read from REST's strings.
    func orderEvent(_ answer: JSONValue) throws -> Event {
        guard case .object(let row) = answer else { throw ExchangeError.unknown(reason: "the order answer is not an object") }
        var funds = (try? row.amount("executed_funds")) ?? .zero
        if case .array(let trades)? = row["trades"], funds.isZero {
            funds = trades.reduce(Amount.zero) { total, trade in
                if case .object(let fill) = trade, let value = try? fill.amount("funds") { total + value } else { total }
            }
        }
        let kind = try row.string("ord_type")
        let payload = UpbitEventTranslator.order(
            market: try row.string("market"), uuid: try row.string("uuid"), identifier: try? row.string("identifier"),
            bid: try row.string("side") == "bid", kind: kind, state: try row.string("state"),
            price: kind == "limit" ? try row.amount("price") : .zero, volume: kind == "price" ? nil : try row.amount("volume"),
            executed: try row.amount("executed_volume"), funds: funds,
            time: Self.time(try row.string("created_at")) ?? Timestamp.now().millisecondsSinceEpoch)
        return ExchangeEvents.order(payload, source: .rest, scope: scope)
    }

    /// Upbit's ISO-8601 times with an offset ("2026-12-07T23:00:00+09:00", fractions allowed), in epoch ms.
    static func time(_ text: String) -> Int64? {
        guard text.count >= 25, let sign = text.dropFirst(19).firstIndex(where: { $0 == "+" || $0 == "-" }) else { return nil }
        let offset = text[sign...]
        guard let hours = Int64(offset.dropFirst().prefix(2)), let minutes = Int64(offset.suffix(2)) else { return nil }
        // Trades carry microseconds: milliseconds are what the engine keeps.
        var clock = String(text[..<sign])
        if let point = clock.firstIndex(of: ".") { clock = String(clock[...point]) + String(clock[clock.index(after: point)...].prefix(3)) }
        let local = Timestamp(iso8601: clock + "Z")?.millisecondsSinceEpoch
        return local.map { $0 - (offset.first == "+" ? 1 : -1) * (hours * 60 + minutes) * 60_000 }
    }
}
