import AlphaCore

/// An order as the simulator keeps it; field names follow Binance's order JSON (reference §3.3).
public struct SimOrder: Sendable, Equatable {
    public enum Status: String, Sendable { case new = "NEW", partiallyFilled = "PARTIALLY_FILLED", filled = "FILLED"
        case canceled = "CANCELED", expired = "EXPIRED", rejected = "REJECTED" }
    public enum Kind: String, Sendable {
        case market = "MARKET", limit = "LIMIT"
        case stopMarket = "STOP_MARKET", takeProfitMarket = "TAKE_PROFIT_MARKET"
        /// The exchange's own order that closes a position whose margin fell to its maintenance
        /// margin; nobody can place one.
        case liquidation = "LIQUIDATION"

        /// Waits for its stop price, then executes as a market order.
        public var isConditional: Bool { self == .stopMarket || self == .takeProfitMarket }

        /// Whether `price` reaches `stopPrice` for this kind and side (reference §3.3, "Trigger rules").
        public func triggers(side: OrderSide, price: Amount, stopPrice: Amount) -> Bool {
            switch (self, side) {
            case (.stopMarket, .buy), (.takeProfitMarket, .sell): price >= stopPrice
            case (.stopMarket, .sell), (.takeProfitMarket, .buy): price <= stopPrice
            default: false
            }
        }
    }
    public enum TimeInForce: String, Sendable { case gtc = "GTC", ioc = "IOC", fok = "FOK", gtx = "GTX" }

    public let orderId: Int64
    public let clientOrderId: String
    public let symbol: String
    public let side: OrderSide
    public let kind: Kind
    public let timeInForce: TimeInForce
    public let price: Amount
    public let quantity: Amount
    public let reduceOnly: Bool
    /// Trigger price of a conditional order (zero otherwise).
    public var stopPrice: Amount = .zero
    /// A conditional order that closes the whole position, whatever its size, when triggered.
    public var closePosition = false
    /// Placed through `/fapi/v1/algoOrder`: reported with algo ids and ALGO_UPDATE events.
    public var isAlgo = false
    public var status: Status = .new
    public var executedQuantity: Amount = .zero
    /// Sum of price × quantity over fills (Binance's `cumQuote`).
    public var cumulativeQuote: Amount = .zero
    public let time: Int64
    public var updateTime: Int64

    /// The same order with its quantity set (a closePosition order learns it when triggered).
    func withQuantity(_ quantity: Amount) -> SimOrder {
        var copy = SimOrder(orderId: orderId, clientOrderId: clientOrderId, symbol: symbol, side: side, kind: kind,
                            timeInForce: timeInForce, price: price, quantity: quantity, reduceOnly: reduceOnly, time: time, updateTime: updateTime)
        copy.stopPrice = stopPrice
        copy.closePosition = closePosition
        copy.isAlgo = isAlgo
        copy.status = status
        copy.executedQuantity = executedQuantity
        copy.cumulativeQuote = cumulativeQuote
        return copy
    }

    public var isOpen: Bool { status == .new || status == .partiallyFilled }
    public var remaining: Amount { quantity - executedQuantity }

    /// Average fill price, or zero before any fill.
    public func averagePrice(scale: Int) -> Amount {
        executedQuantity.isZero ? .zero : cumulativeQuote.divided(by: executedQuantity, scale: scale)
    }
}

/// One fill, with everything both the REST and WebSocket views report about it.
public struct SimTrade: Sendable, Equatable {
    public let id: Int64
    public let orderId: Int64
    public let symbol: String
    public let side: OrderSide
    public let price: Amount
    public let quantity: Amount
    public let commission: Amount
    public let realizedPnl: Amount
    public let maker: Bool
    public let time: Int64

    public var quoteQuantity: Amount { price * quantity }
}

/// A line of the income history (`GET /fapi/v1/income`).
public struct SimIncome: Sendable, Equatable {
    public enum Kind: String, Sendable { case realizedPnl = "REALIZED_PNL", commission = "COMMISSION"
        case fundingFee = "FUNDING_FEE", transfer = "TRANSFER"
        /// A liquidation's clearance fee (negative), or the insurance fund covering a wallet that a
        /// liquidation left below zero (positive).
        case insuranceClear = "INSURANCE_CLEAR" }
    public let id: Int64
    public let kind: Kind
    public let symbol: String
    public let amount: Amount
    public let time: Int64
    public let tradeId: Int64?
}

/// A position in one-way mode: signed amount (negative = short) and its average entry.
public struct SimPosition: Sendable, Equatable {
    public var amount: Amount = .zero
    public var entryPrice: Amount = .zero

    public func unrealizedPnl(mark: Amount) -> Amount { amount * (mark - entryPrice) }
}
