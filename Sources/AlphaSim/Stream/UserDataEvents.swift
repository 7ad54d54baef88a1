import AlphaCore
import AlphaJSON

/// The user-data stream's event JSON (reference §4.1, §4.2, §4.6).
enum UserDataEvents {
    static func orderTradeUpdate(_ update: SimOrderUpdate, spec: SimSymbol, time: Int64) -> [UInt8] {
        let order = update.order
        let execution: String
        switch (update.trade, order.status) {
        case (.some, _): execution = "TRADE"
        case (nil, .canceled): execution = "CANCELED"
        case (nil, .expired): execution = "EXPIRED"
        default: execution = "NEW"
        }
        let price: (Amount) -> String = { $0.formatted(scale: spec.pricePrecision) }
        let quantity: (Amount) -> String = { $0.formatted(scale: spec.quantityPrecision) }
        return SimService.json { writer in
            writer.beginObject()
            writer.key("e"); writer.value("ORDER_TRADE_UPDATE")
            writer.key("E"); writer.value(time)
            writer.key("T"); writer.value(order.updateTime)
            writer.key("o")
            writer.beginObject()
            writer.key("s"); writer.value(order.symbol)
            writer.key("c"); writer.value(order.clientOrderId)
            writer.key("S"); writer.value(order.side.rawValue)
            writer.key("o"); writer.value(order.kind.rawValue)
            writer.key("f"); writer.value(order.kind == .market ? "GTC" : order.timeInForce.rawValue)
            writer.key("q"); writer.value(quantity(order.quantity))
            writer.key("p"); writer.value(price(order.price))
            writer.key("ap"); writer.value(price(order.averagePrice(scale: spec.pricePrecision)))
            writer.key("sp"); writer.value("0")
            writer.key("x"); writer.value(execution)
            writer.key("X"); writer.value(order.status.rawValue)
            writer.key("i"); writer.value(order.orderId)
            writer.key("l"); writer.value(quantity(update.trade?.quantity ?? .zero))
            writer.key("z"); writer.value(quantity(order.executedQuantity))
            writer.key("L"); writer.value(price(update.trade?.price ?? .zero))
            if let trade = update.trade {
                writer.key("N"); writer.value("USDT")
                writer.key("n"); writer.value(trade.commission.formatted(scale: SimJSON.moneyScale))
            }
            writer.key("T"); writer.value(order.updateTime)
            writer.key("t"); writer.value(update.trade?.id ?? 0)
            writer.key("b"); writer.value("0")
            writer.key("a"); writer.value("0")
            writer.key("m"); writer.value(update.trade?.maker ?? false)
            writer.key("R"); writer.value(order.reduceOnly)
            writer.key("wt"); writer.value("CONTRACT_PRICE")
            writer.key("ot"); writer.value(order.kind.rawValue)
            writer.key("ps"); writer.value("BOTH")
            writer.key("cp"); writer.value(false)
            writer.key("rp"); writer.value((update.trade?.realizedPnl ?? .zero).formatted(scale: SimJSON.moneyScale))
            writer.key("pP"); writer.value(false)
            writer.key("si"); writer.value(0)
            writer.key("ss"); writer.value(0)
            writer.key("V"); writer.value("NONE")
            writer.key("pm"); writer.value("NONE")
            writer.key("gtd"); writer.value(0)
            writer.endObject()
            writer.endObject()
        }
    }

    /// ALGO_UPDATE for a conditional order placed through the Algo Service (reference §4.7).
    static func algoUpdate(_ order: SimOrder, spec: SimSymbol, time: Int64) -> [UInt8] {
        SimService.json { writer in
            writer.beginObject()
            writer.key("e"); writer.value("ALGO_UPDATE")
            writer.key("T"); writer.value(order.updateTime)
            writer.key("E"); writer.value(time)
            writer.key("o")
            writer.beginObject()
            writer.key("caid"); writer.value(order.clientOrderId)
            writer.key("aid"); writer.value(order.orderId)
            writer.key("at"); writer.value("CONDITIONAL")
            writer.key("o"); writer.value(order.kind.rawValue)
            writer.key("s"); writer.value(order.symbol)
            writer.key("S"); writer.value(order.side.rawValue)
            writer.key("ps"); writer.value("BOTH")
            writer.key("f"); writer.value("GTC")
            writer.key("q"); writer.value(order.quantity.formatted(scale: spec.quantityPrecision))
            writer.key("X"); writer.value(SimJSON.algoStatus(order))
            writer.key("ai"); writer.value(order.status == .filled ? String(order.orderId) : "")
            writer.key("ap"); writer.value(order.averagePrice(scale: spec.pricePrecision).formatted(scale: spec.pricePrecision))
            writer.key("aq"); writer.value(order.executedQuantity.formatted(scale: spec.quantityPrecision))
            writer.key("act"); writer.value(order.status == .filled ? "MARKET" : "0")
            writer.key("tp"); writer.value(order.stopPrice.formatted(scale: spec.pricePrecision))
            writer.key("p"); writer.value(order.price.formatted(scale: spec.pricePrecision))
            writer.key("wt"); writer.value("CONTRACT_PRICE")
            writer.key("cp"); writer.value(order.closePosition)
            writer.key("R"); writer.value(order.reduceOnly)
            writer.key("tt"); writer.value(order.status == .filled ? order.updateTime : 0)
            writer.endObject()
            writer.endObject()
        }
    }

    /// Balance and the changed position after a fill (`m` = ORDER), a funding payment or a transfer.
    static func accountUpdate(reason: String, wallet: Amount, balanceChange: Amount, positions: [(SimSymbol, SimPosition, Amount)],
                              time: Int64) -> [UInt8] {
        SimService.json { writer in
            writer.beginObject()
            writer.key("e"); writer.value("ACCOUNT_UPDATE")
            writer.key("E"); writer.value(time)
            writer.key("T"); writer.value(time)
            writer.key("a")
            writer.beginObject()
            writer.key("m"); writer.value(reason)
            writer.key("B")
            writer.beginArray()
            writer.beginObject()
            writer.key("a"); writer.value("USDT")
            writer.key("wb"); writer.value(wallet.formatted(scale: SimJSON.moneyScale))
            writer.key("cw"); writer.value(wallet.formatted(scale: SimJSON.moneyScale))
            writer.key("bc"); writer.value(balanceChange.formatted(scale: SimJSON.moneyScale))
            writer.endObject()
            writer.endArray()
            writer.key("P")
            writer.beginArray()
            for (spec, position, mark) in positions {
                writer.beginObject()
                writer.key("s"); writer.value(spec.name)
                writer.key("pa"); writer.value(position.amount.formatted(scale: spec.quantityPrecision))
                writer.key("ep"); writer.value(position.entryPrice.formatted(scale: SimJSON.moneyScale))
                writer.key("bep"); writer.value(position.entryPrice.formatted(scale: SimJSON.moneyScale))
                writer.key("cr"); writer.value("0")
                writer.key("up"); writer.value(position.unrealizedPnl(mark: mark).formatted(scale: SimJSON.moneyScale))
                writer.key("mt"); writer.value("cross")
                writer.key("iw"); writer.value("0")
                writer.key("ps"); writer.value("BOTH")
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
            writer.endObject()
        }
    }
}
