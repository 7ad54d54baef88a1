import AlphaCore
import AlphaJSON

/// Binance's JSON shapes for the simulator's objects (reference §3.3–3.9): decimals as strings
/// formatted to the symbol's precision, ids and times as integers.
enum SimJSON {
    static let moneyScale = 8

    static func order(_ order: SimOrder, spec: SimSymbol, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("orderId"); writer.value(order.orderId)
        writer.key("symbol"); writer.value(order.symbol)
        writer.key("status"); writer.value(order.status.rawValue)
        writer.key("clientOrderId"); writer.value(order.clientOrderId)
        writer.key("price"); writer.value(order.price.formatted(scale: spec.pricePrecision))
        writer.key("avgPrice"); writer.value(order.averagePrice(scale: spec.pricePrecision).formatted(scale: spec.pricePrecision))
        writer.key("origQty"); writer.value(order.quantity.formatted(scale: spec.quantityPrecision))
        writer.key("executedQty"); writer.value(order.executedQuantity.formatted(scale: spec.quantityPrecision))
        writer.key("cumQty"); writer.value(order.executedQuantity.formatted(scale: spec.quantityPrecision))
        writer.key("cumQuote"); writer.value(order.cumulativeQuote.formatted(scale: 5))
        writer.key("timeInForce"); writer.value(order.kind == .market ? "GTC" : order.timeInForce.rawValue)
        writer.key("type"); writer.value(order.kind.rawValue)
        writer.key("origType"); writer.value(order.kind.rawValue)
        writer.key("reduceOnly"); writer.value(order.reduceOnly)
        writer.key("closePosition"); writer.value(order.closePosition)
        writer.key("side"); writer.value(order.side.rawValue)
        writer.key("positionSide"); writer.value("BOTH")
        writer.key("stopPrice"); writer.value(order.stopPrice.formatted(scale: spec.pricePrecision))
        writer.key("workingType"); writer.value("CONTRACT_PRICE")
        writer.key("priceProtect"); writer.value(false)
        writer.key("priceMatch"); writer.value("NONE")
        writer.key("selfTradePreventionMode"); writer.value("NONE")
        writer.key("goodTillDate"); writer.value(0)
        writer.key("time"); writer.value(order.time)
        writer.key("updateTime"); writer.value(order.updateTime)
        writer.endObject()
    }

    /// The algo-order shape (reference §3.4); the algo id is the order id.
    static func algoOrder(_ order: SimOrder, spec: SimSymbol, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("algoId"); writer.value(order.orderId)
        writer.key("clientAlgoId"); writer.value(order.clientOrderId)
        writer.key("algoType"); writer.value("CONDITIONAL")
        writer.key("orderType"); writer.value(order.kind.rawValue)
        writer.key("symbol"); writer.value(order.symbol)
        writer.key("side"); writer.value(order.side.rawValue)
        writer.key("positionSide"); writer.value("BOTH")
        writer.key("timeInForce"); writer.value("GTC")
        writer.key("quantity"); writer.value(order.quantity.formatted(scale: spec.quantityPrecision))
        writer.key("algoStatus"); writer.value(algoStatus(order))
        writer.key("triggerPrice"); writer.value(order.stopPrice.formatted(scale: spec.pricePrecision))
        writer.key("price"); writer.value(order.price.formatted(scale: spec.pricePrecision))
        writer.key("workingType"); writer.value("CONTRACT_PRICE")
        writer.key("closePosition"); writer.value(order.closePosition)
        writer.key("reduceOnly"); writer.value(order.reduceOnly)
        writer.key("actualOrderId"); writer.value(order.status == .filled ? String(order.orderId) : "")
        writer.key("actualPrice"); writer.value(order.averagePrice(scale: spec.pricePrecision).formatted(scale: spec.pricePrecision))
        writer.key("actualQty"); writer.value(order.executedQuantity.formatted(scale: spec.quantityPrecision))
        writer.key("createTime"); writer.value(order.time)
        writer.key("updateTime"); writer.value(order.updateTime)
        writer.key("triggerTime"); writer.value(order.status == .filled ? order.updateTime : 0)
        writer.key("goodTillDate"); writer.value(0)
        writer.endObject()
    }

    /// Algo statuses: NEW, CANCELED, FINISHED (triggered and executed), EXPIRED.
    static func algoStatus(_ order: SimOrder) -> String {
        switch order.status {
        case .new, .partiallyFilled: "NEW"
        case .filled: "FINISHED"
        case .canceled: "CANCELED"
        case .expired: "EXPIRED"
        case .rejected: "REJECTED"
        }
    }

    static func trade(_ trade: SimTrade, spec: SimSymbol, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("id"); writer.value(trade.id)
        writer.key("orderId"); writer.value(trade.orderId)
        writer.key("symbol"); writer.value(trade.symbol)
        writer.key("side"); writer.value(trade.side.rawValue)
        writer.key("positionSide"); writer.value("BOTH")
        writer.key("buyer"); writer.value(trade.side == .buy)
        writer.key("maker"); writer.value(trade.maker)
        writer.key("price"); writer.value(trade.price.formatted(scale: spec.pricePrecision))
        writer.key("qty"); writer.value(trade.quantity.formatted(scale: spec.quantityPrecision))
        writer.key("quoteQty"); writer.value(trade.quoteQuantity.formatted(scale: moneyScale))
        writer.key("realizedPnl"); writer.value(trade.realizedPnl.formatted(scale: moneyScale))
        writer.key("commission"); writer.value(trade.commission.formatted(scale: moneyScale))
        writer.key("commissionAsset"); writer.value("USDT")
        writer.key("time"); writer.value(trade.time)
        writer.endObject()
    }

    static func income(_ line: SimIncome, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("symbol"); writer.value(line.symbol)
        writer.key("incomeType"); writer.value(line.kind.rawValue)
        writer.key("income"); writer.value(line.amount.formatted(scale: moneyScale))
        writer.key("asset"); writer.value("USDT")
        writer.key("info"); writer.value(line.kind.rawValue)
        writer.key("time"); writer.value(line.time)
        writer.key("tranId"); writer.value(line.id)
        writer.key("tradeId"); writer.value(line.tradeId.map(String.init) ?? "")
        writer.endObject()
    }

    /// A position row; `v2` adds leverage and margin type and lists flat symbols too.
    static func position(_ symbol: SimSymbol, _ position: SimPosition, mark: Amount, leverage: Int, v2: Bool, time: Int64,
                         marginType: String = "CROSSED", liquidationPrice: Amount? = nil, into writer: inout JSONWriter) {
        let notional = position.amount * mark
        writer.beginObject()
        writer.key("symbol"); writer.value(symbol.name)
        writer.key("positionSide"); writer.value("BOTH")
        writer.key("positionAmt"); writer.value(position.amount.formatted(scale: symbol.quantityPrecision))
        writer.key("entryPrice"); writer.value(position.entryPrice.formatted(scale: moneyScale))
        writer.key("breakEvenPrice"); writer.value(position.entryPrice.formatted(scale: moneyScale))
        writer.key("markPrice"); writer.value(mark.formatted(scale: moneyScale))
        writer.key("unRealizedProfit"); writer.value(position.unrealizedPnl(mark: mark).formatted(scale: moneyScale))
        // Binance answers "0" where no price would liquidate the position.
        writer.key("liquidationPrice"); writer.value((liquidationPrice ?? .zero).formatted(scale: moneyScale))
        writer.key("notional"); writer.value(notional.formatted(scale: moneyScale))
        writer.key("isolatedMargin"); writer.value("0")
        writer.key("isolatedWallet"); writer.value("0")
        let initialMargin = notional.magnitude.divided(by: Amount(leverage), scale: moneyScale)
        if v2 {
            writer.key("leverage"); writer.value(String(leverage))
            writer.key("marginType"); writer.value(marginType == "ISOLATED" ? "isolated" : "cross")
            writer.key("isAutoAddMargin"); writer.value("false")
            writer.key("maxNotionalValue"); writer.value("20000000")
        } else {
            writer.key("marginAsset"); writer.value("USDT")
            writer.key("initialMargin"); writer.value(initialMargin.formatted(scale: moneyScale))
            writer.key("maintMargin"); writer.value((notional.magnitude * Amount("0.004")!).formatted(scale: moneyScale))
            writer.key("positionInitialMargin"); writer.value(initialMargin.formatted(scale: moneyScale))
            writer.key("openOrderInitialMargin"); writer.value("0")
            writer.key("adl"); writer.value(0)
            writer.key("bidNotional"); writer.value("0")
            writer.key("askNotional"); writer.value("0")
        }
        writer.key("updateTime"); writer.value(time)
        writer.endObject()
    }
}
