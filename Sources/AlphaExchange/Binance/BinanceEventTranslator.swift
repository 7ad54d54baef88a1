import AlphaCore
import AlphaJSON

/// Turns what Binance says — over the user-data stream or over REST — into AlphaEngine events.
/// One fact gets one dedup key whichever way it arrives, so the second copy collides in the
/// event store instead of being counted twice (DESIGN §4–5).
public enum BinanceEventTranslator {
    // MARK: User-data stream

    /// Events for one user-data message; unknown event kinds give none.
    public static func events(fromStream message: JSONObject, scope: Scope) throws(PayloadError) -> [Event] {
        switch message["e"] {
        case "ORDER_TRADE_UPDATE": return try orderTradeUpdate(message, scope: scope)
        case "ACCOUNT_UPDATE": return try accountUpdate(message, scope: scope)
        case "ALGO_UPDATE": return try algoUpdate(message, scope: scope)
        default: return []
        }
    }

    private static func orderTradeUpdate(_ message: JSONObject, scope: Scope) throws(PayloadError) -> [Event] {
        guard case .object(let order)? = message["o"] else { throw .missingField("o") }
        let symbol = try order.string("s")
        let orderID = try order.identifier("i")
        let clientOrderID = try order.string("c")
        let side = try order.choice("S", as: OrderSide.self)
        let time = try order.int64("T")
        let statusText = try order.string("X")
        guard let status = OrderState(binanceStatus: statusText) else {
            throw .invalidValue(field: "X", reason: "unknown order status \(statusText)")
        }
        let payload = OrderPayload(symbol: symbol, clientOrderID: clientOrderID, orderID: orderID, side: side,
                                   type: try order.choice("o", as: OrderType.self), status: status,
                                   price: try order.amount("p"), quantity: try order.amount("q"),
                                   filledQuantity: try order.amount("z"), averagePrice: try order.amount("ap"),
                                   reduceOnly: try order.bool("R"), time: time)
        var events = [ExchangeEvents.order(payload, source: .webSocket, scope: scope)]
        if try order.string("x") == "TRADE" {
            let trade = TradePayload(symbol: symbol, tradeID: try order.identifier("t"), orderID: orderID, clientOrderID: clientOrderID,
                                     side: side, price: try order.amount("L"), quantity: try order.amount("l"),
                                     realizedPnl: try order.amount("rp"), maker: try order.bool("m"), time: time)
            events.append(ExchangeEvents.trade(trade, source: .webSocket, scope: scope))
            if order["n"] != nil {
                let fee = FeePayload(symbol: symbol, tradeID: trade.tradeID, asset: try order.string("N"), amount: try order.amount("n"), time: time)
                events.append(ExchangeEvents.fee(fee, source: .webSocket, scope: scope))
            }
        }
        return events
    }

    /// A conditional order's own life (placed, triggered, finished, cancelled); its fills arrive
    /// as ORDER_TRADE_UPDATE like any other.
    private static func algoUpdate(_ message: JSONObject, scope: Scope) throws(PayloadError) -> [Event] {
        guard case .object(let order)? = message["o"] else { throw .missingField("o") }
        let payload = OrderPayload(symbol: try order.string("s"), clientOrderID: try order.string("caid"), orderID: try order.identifier("aid"),
                                   side: try order.choice("S", as: OrderSide.self), type: try order.choice("o", as: OrderType.self),
                                   status: try algoStatus(try order.string("X")), price: try order.amount("tp"),
                                   quantity: try order.amount("q"), filledQuantity: try order.amount("aq"),
                                   averagePrice: try order.amount("ap"), reduceOnly: try order.bool("R"), time: try message.int64("T"))
        return [ExchangeEvents.order(payload, source: .webSocket, scope: scope)]
    }

    /// Algo statuses as order states: waiting and triggering count as open, FINISHED as filled.
    static func algoStatus(_ text: String) throws(PayloadError) -> OrderState {
        switch text {
        case "NEW", "TRIGGERING", "TRIGGERED": .acknowledged
        case "FINISHED": .filled
        case "CANCELED": .cancelled
        case "REJECTED": .rejected
        case "EXPIRED": .expired
        default: throw .invalidValue(field: "algoStatus", reason: "unknown algo status \(text)")
        }
    }

    private static func accountUpdate(_ message: JSONObject, scope: Scope) throws(PayloadError) -> [Event] {
        guard case .object(let account)? = message["a"] else { throw .missingField("a") }
        let time = try message.int64("T")
        let reason = try account.optionalString("m")
        var events: [Event] = []
        if case .array(let balances)? = account["B"] {
            for case .object(let balance) in balances {
                let payload = BalancePayload(asset: try balance.string("a"), walletBalance: try balance.amount("wb"),
                                             crossWalletBalance: try balance.amount("cw"), change: try balance.optionalAmount("bc"),
                                             reason: reason, time: time)
                events.append(Event(type: .balanceChanged, source: .webSocket, entityKind: .balance, entityID: payload.asset, scope: scope,
                                    dedupKey: DedupKey.balance(asset: payload.asset, updateTime: time, walletBalance: payload.walletBalance),
                                    payload: payload.json))
            }
        }
        if case .array(let positions)? = account["P"] {
            for case .object(let position) in positions {
                let payload = PositionPayload(symbol: try position.string("s"), amount: try position.amount("pa"),
                                              entryPrice: try position.amount("ep"), unrealizedPnl: try position.amount("up"),
                                              reason: reason, time: time)
                events.append(Event(type: .positionChanged, source: .webSocket, entityKind: .position, entityID: payload.symbol, scope: scope,
                                    dedupKey: DedupKey.position(symbol: payload.symbol, updateTime: time, amount: payload.amount),
                                    payload: payload.json))
            }
        }
        return events
    }

    // MARK: REST

    /// Trade and fee events for `GET /fapi/v1/userTrades` rows.
    public static func events(fromUserTrades rows: [JSONValue], clientOrderIDs: [String: String] = [:], scope: Scope) throws(PayloadError) -> [Event] {
        var events: [Event] = []
        for case .object(let row) in rows {
            let symbol = try row.string("symbol")
            let orderID = try row.identifier("orderId")
            let time = try row.int64("time")
            let trade = TradePayload(symbol: symbol, tradeID: try row.identifier("id"), orderID: orderID, clientOrderID: clientOrderIDs[orderID],
                                     side: try row.choice("side", as: OrderSide.self), price: try row.amount("price"),
                                     quantity: try row.amount("qty"), realizedPnl: try row.amount("realizedPnl"),
                                     maker: try row.bool("maker"), time: time)
            events.append(ExchangeEvents.trade(trade, source: .rest, scope: scope))
            let fee = FeePayload(symbol: symbol, tradeID: trade.tradeID, asset: try row.string("commissionAsset"),
                                 amount: try row.amount("commission"), time: time)
            events.append(ExchangeEvents.fee(fee, source: .rest, scope: scope))
        }
        return events
    }

    /// The order event for one `GET /fapi/v1/order` (or openOrders/allOrders) row.
    /// FundingApplied events for `GET /fapi/v1/income` lines of type FUNDING_FEE (others are skipped).
    public static func events(fromIncome rows: [JSONValue], scope: Scope) throws(PayloadError) -> [Event] {
        var events: [Event] = []
        for case .object(let row) in rows where (try? row.string("incomeType")) == "FUNDING_FEE" {
            let payload = FundingPayload(symbol: try row.string("symbol"), asset: try row.string("asset"), amount: try row.amount("income"),
                                         transactionID: try row.identifier("tranId"), time: try row.int64("time"))
            events.append(Event(type: .fundingApplied, source: .rest, entityKind: .funding, entityID: "\(payload.symbol):\(payload.transactionID)",
                                scope: scope, dedupKey: DedupKey.funding(symbol: payload.symbol, transactionID: payload.transactionID),
                                payload: payload.json))
        }
        return events
    }

    /// An order event for a REST order row (`/fapi/v1/order`) or algo-order row (`/fapi/v1/algoOrder`,
    /// recognised by its `algoId`; the algo id is its order id and the trigger price its price).
    public static func event(fromRESTOrder row: JSONObject, scope: Scope) throws(PayloadError) -> Event {
        if row["algoId"] != nil {
            let payload = OrderPayload(symbol: try row.string("symbol"), clientOrderID: try row.string("clientAlgoId"),
                                       orderID: try row.identifier("algoId"), side: try row.choice("side", as: OrderSide.self),
                                       type: try row.choice("orderType", as: OrderType.self), status: try algoStatus(try row.string("algoStatus")),
                                       price: try row.amount("triggerPrice"), quantity: try row.amount("quantity"),
                                       filledQuantity: (try? row.amount("actualQty")) ?? .zero, averagePrice: (try? row.amount("actualPrice")) ?? .zero,
                                       reduceOnly: try row.bool("reduceOnly"), time: try row.int64("updateTime"))
            return ExchangeEvents.order(payload, source: .rest, scope: scope)
        }
        let statusText = try row.string("status")
        guard let status = OrderState(binanceStatus: statusText) else {
            throw .invalidValue(field: "status", reason: "unknown order status \(statusText)")
        }
        let payload = OrderPayload(symbol: try row.string("symbol"), clientOrderID: try row.string("clientOrderId"),
                                   orderID: try row.identifier("orderId"), side: try row.choice("side", as: OrderSide.self),
                                   type: try row.choice("type", as: OrderType.self), status: status, price: try row.amount("price"),
                                   quantity: try row.amount("origQty"), filledQuantity: try row.amount("executedQty"),
                                   averagePrice: try row.amount("avgPrice"), reduceOnly: try row.bool("reduceOnly"),
                                   time: try row.int64("updateTime"))
        return ExchangeEvents.order(payload, source: .rest, scope: scope)
    }
}

extension OrderState {
    /// Maps Binance's order status (`X` in `ORDER_TRADE_UPDATE`, `status` over REST).
    init?(binanceStatus: String) {
        switch binanceStatus {
        case "NEW": self = .acknowledged
        case "PARTIALLY_FILLED": self = .partiallyFilled
        case "FILLED": self = .filled
        case "CANCELED": self = .cancelled
        case "REJECTED": self = .rejected
        case "EXPIRED", "EXPIRED_IN_MATCH": self = .expired
        default: return nil
        }
    }
}
