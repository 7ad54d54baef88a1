import Foundation

/// The risk limits of the runtime configuration, as the risk guard holds orders against them.
public struct RiskLimits: Sendable, Equatable {
    /// The most a trade may lose at its protective stop, as a fraction of equity.
    public var maxRiskPerTrade: Amount
    /// The most the UTC day may lose (realized PnL less fees, plus funding), as a fraction of the
    /// wallet at the start of the day.
    public var dailyLossLimit: Amount
    /// The largest position's notional over equity.
    public var maxLeverage: Amount
    public var maxPosition: Amount?
    public var maxOrdersPerMinute: Int
    public var tradableSymbols: Set<String>
    /// The margin asset equity and the daily loss are counted in.
    public var asset: String
    /// Spot: what is held is owned outright, so equity counts it at the mark (not only its PnL).
    public var spot: Bool

    public init(maxRiskPerTrade: Amount, dailyLossLimit: Amount, maxLeverage: Amount, maxPosition: Amount? = nil, maxOrdersPerMinute: Int,
                tradableSymbols: Set<String>, asset: String = "USDT", spot: Bool = false) {
        self.spot = spot
        self.maxRiskPerTrade = maxRiskPerTrade
        self.dailyLossLimit = dailyLossLimit
        self.maxLeverage = maxLeverage
        self.maxPosition = maxPosition
        self.maxOrdersPerMinute = maxOrdersPerMinute
        self.tradableSymbols = tradableSymbols
        self.asset = asset
    }

    public init(_ config: RuntimeConfig, venue: VenueCapabilities = .binanceUSDM) {
        self.init(maxRiskPerTrade: config.maxRiskPerTrade, dailyLossLimit: config.dailyLossLimit, maxLeverage: Amount(Int(config.maxLeverage)),
                  maxPosition: config.maxPosition, maxOrdersPerMinute: Int(config.maxOrdersPerMinute), tradableSymbols: config.tradableSymbols,
                  asset: venue.quoteAsset, spot: venue.market == .spot)
    }
}

/// An order as the risk guard sees it: what it would do to the position, at what price, and
/// where its protective stop is.
public struct RiskOrder: Sendable, Equatable {
    public var symbol: String
    public var side: OrderSide
    public var quantity: Amount
    public var reduceOnly: Bool
    /// The price the order is expected to fill at (the limit, or the last or mark price).
    public var price: Amount
    /// The protective stop that goes with it; nil for an order without one (a user's).
    public var stopLoss: Amount?

    public init(symbol: String, side: OrderSide, quantity: Amount, reduceOnly: Bool, price: Amount, stopLoss: Amount? = nil) {
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.reduceOnly = reduceOnly
        self.price = price
        self.stopLoss = stopLoss
    }

    var signedQuantity: Amount { side == .buy ? quantity : -quantity }
}

/// Why the risk guard said no: the rule, a sentence, and the figure held against the limit.
public struct RiskRefusal: Sendable, Equatable, CustomStringConvertible {
    public var rule: String
    public var reason: String
    public var measured: Amount?
    public var limit: Amount?

    public init(rule: String, reason: String, measured: Amount? = nil, limit: Amount? = nil) {
        self.rule = rule
        self.reason = reason
        self.measured = measured
        self.limit = limit
    }

    public var description: String { "\(rule): \(reason)" }
}

/// The risk guard (DESIGN §6): pure, in the domain. Given the projections, the order and the
/// limits, it says whether the order may go out; the first rule that refuses wins. Orders that
/// only reduce the position pass every rule but the symbol's, so a limit never traps a position.
public struct RiskGuard: Sendable {
    public var limits: RiskLimits

    public init(limits: RiskLimits) { self.limits = limits }

    /// Equity in the margin asset at `marks`. Futures: the wallet plus each position's unrealized
    /// PnL. Spot (`spot`): the wallet (the quote asset, free and held) plus each holding at the
    /// mark, or at its average buy price before a mark is known.
    public static func equity(_ state: ProjectionState, asset: String, marks: [String: Amount], spot: Bool = false) -> Amount {
        let wallet = state.balances[asset]?.walletBalance ?? .zero
        return state.positions.values.reduce(wallet) { total, position in
            if spot { return total + position.amount * (marks[position.symbol] ?? position.entryPrice) }
            guard let mark = marks[position.symbol], !position.amount.isZero else { return total + position.unrealizedPnl }
            return total + position.amount * (mark - position.entryPrice)
        }
    }

    /// `ordersInLastMinute` counts the new orders sent in the 60 s before `now`.
    public func check(_ order: RiskOrder, state: ProjectionState, marks: [String: Amount], ordersInLastMinute: Int,
                      now: Timestamp) -> RiskRefusal? {
        guard limits.tradableSymbols.contains(order.symbol) else {
            return RiskRefusal(rule: "SYMBOL_NOT_ALLOWED",
                               reason: "\(order.symbol) is not a tradable symbol (\(limits.tradableSymbols.sorted().joined(separator: ", ")))")
        }
        let current = state.positions[order.symbol]?.amount ?? .zero
        let after = current + order.signedQuantity
        let reduces = order.reduceOnly || (after.magnitude <= current.magnitude && (after.isZero || after.isNegative == current.isNegative))
        if reduces { return nil }

        if ordersInLastMinute >= limits.maxOrdersPerMinute {
            return RiskRefusal(rule: "ORDER_RATE", reason: "\(ordersInLastMinute) orders in the last minute; the limit is \(limits.maxOrdersPerMinute)",
                               measured: Amount(ordersInLastMinute), limit: Amount(limits.maxOrdersPerMinute))
        }
        let used = state.dailyLossUsed(day: now.utcDay, asset: limits.asset)
        if used >= limits.dailyLossLimit {
            return RiskRefusal(rule: "DAILY_LOSS_LIMIT", reason: "today (\(now.utcDay) UTC) has lost \(used) of the wallet; the limit is \(limits.dailyLossLimit)",
                               measured: used, limit: limits.dailyLossLimit)
        }
        if let maxPosition = limits.maxPosition, after.magnitude > maxPosition {
            return RiskRefusal(rule: "MAX_POSITION", reason: "the position would be \(after) \(order.symbol); the limit is \(maxPosition)",
                               measured: after.magnitude, limit: maxPosition)
        }
        let equity = Self.equity(state, asset: limits.asset, marks: marks, spot: limits.spot)
        guard equity > .zero else {
            return RiskRefusal(rule: "NO_EQUITY", reason: "equity is \(equity) \(limits.asset): nothing to risk", measured: equity, limit: .zero)
        }
        let leverage = (after.magnitude * order.price).divided(by: equity, scale: 4, mode: .up)
        if leverage > limits.maxLeverage {
            return RiskRefusal(rule: "MAX_LEVERAGE", reason: "the position's notional would be \(leverage) × equity; the limit is \(limits.maxLeverage)",
                               measured: leverage, limit: limits.maxLeverage)
        }
        if let stop = order.stopLoss {
            let added = after.magnitude - (after.isNegative == current.isNegative ? current.magnitude : .zero)
            let risk = ((order.price - stop).magnitude * added).divided(by: equity, scale: 6, mode: .up)
            if risk > limits.maxRiskPerTrade {
                return RiskRefusal(rule: "MAX_RISK_PER_TRADE",
                                   reason: "the stop at \(stop) risks \(risk) of equity \(equity) \(limits.asset); the limit is \(limits.maxRiskPerTrade)",
                                   measured: risk, limit: limits.maxRiskPerTrade)
            }
        }
        return nil
    }
}
