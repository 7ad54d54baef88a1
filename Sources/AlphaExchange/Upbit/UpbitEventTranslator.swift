import AlphaCore
import AlphaJSON

/// Upbit's order facts in the engine's terms, the same from REST (`UpbitAccount`) and from the
/// private stream (`UpbitStream`), so both copies of a fact carry one dedup key.
enum UpbitEventTranslator {
    /// `wait` is acknowledged (partly filled once it has fills), `trade` and `done` filled as far
    /// as they go, `cancel` cancelled — except a market buy, which Upbit ends as `cancel` with the
    /// few won its amount could not buy: that is a fill. A market buy's quantity is what it got.
    static func order(market: String, uuid: String, identifier: String?, bid: Bool, kind: String, state: String, price: Amount,
                      volume: Amount?, executed: Amount, funds: Amount, time: Int64) -> OrderPayload {
        let quantity = volume ?? executed
        let status: OrderState = switch state {
        case "done": .filled
        case "cancel": kind == "price" && executed > .zero ? .filled : .cancelled
        case "trade": kind == "price" || executed >= quantity ? .filled : .partiallyFilled
        default: executed > .zero ? .partiallyFilled : .acknowledged
        }
        return OrderPayload(symbol: market, clientOrderID: identifier ?? "", orderID: uuid, side: bid ? .buy : .sell,
                            type: kind == "limit" ? .limit : .market, status: status, price: price, quantity: quantity, filledQuantity: executed,
                            averagePrice: executed > .zero ? funds.divided(by: executed, scale: 8) : .zero, time: time)
    }

    /// A `myOrder` message: the order's state, and with a fill (`trade_uuid`) the trade and its fee.
    static func events(fromMyOrder message: JSONObject, scope: Scope) throws(PayloadError) -> [Event] {
        func number(_ key: String) throws(PayloadError) -> Amount {
            guard case .number(let text)? = message[key], let value = Amount(jsonNumber: text) else { throw .invalidValue(field: key, reason: "not a number") }
            return value
        }
        func optionalNumber(_ key: String) -> Amount? {
            if case .number(let text)? = message[key] { Amount(jsonNumber: text) } else { nil }
        }
        let market = try message.string("code"), uuid = try message.string("uuid"), kind = try message.string("order_type")
        let identifier = try? message.string("identifier")
        let bid = try message.string("ask_bid") == "BID"
        let time = (try? message.int64("timestamp")) ?? Timestamp.now().millisecondsSinceEpoch
        let order = Self.order(market: market, uuid: uuid, identifier: identifier, bid: bid, kind: kind, state: try message.string("state"),
                               price: kind == "limit" ? try number("price") : .zero, volume: kind == "price" ? nil : optionalNumber("volume"),
                               executed: try number("executed_volume"), funds: optionalNumber("executed_funds") ?? .zero,
                               time: (try? message.int64("order_timestamp")) ?? time)
        var events = [ExchangeEvents.order(order, source: .webSocket, scope: scope)]
        if case .string(let tradeID)? = message["trade_uuid"] {
            let tradeTime = (try? message.int64("trade_timestamp")) ?? time
            let trade = TradePayload(symbol: market, tradeID: tradeID, orderID: uuid, clientOrderID: identifier, side: bid ? .buy : .sell,
                                     price: try number("trade_price"), quantity: try number("trade_volume"), realizedPnl: .zero, pnlAsset: "KRW",
                                     maker: message["is_maker"] == .bool(true), time: tradeTime)
            events.append(ExchangeEvents.trade(trade, source: .webSocket, scope: scope))
            if let fee = optionalNumber("trade_fee") {
                events.append(ExchangeEvents.fee(FeePayload(symbol: market, tradeID: tradeID, asset: "KRW", amount: fee, time: tradeTime), source: .webSocket, scope: scope))
            }
        }
        return events
    }
}
