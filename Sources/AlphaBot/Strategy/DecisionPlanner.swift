import AlphaCore
import AlphaStrategy

/// Turns one strategy decision into the commands that carry it out, once the risk guard lets it
/// through. A target position becomes: cancel the strategy's old protective orders (sized for the
/// old position), one market order for the difference (reduce-only when it reduces), and a
/// STOP_MARKET (and TAKE_PROFIT_MARKET when asked) for the new position, so a dead bot never
/// leaves it naked. On a venue that holds no stop orders (Upbit spot) the protective levels are
/// not sent: the strategy runner watches them (`LocalProtection`). Quantities go down to the step, stops away from the price to the tick. Pure:
/// what it needs is handed in — so the backtest plans with it too, and a backtest and a live run
/// turn a decision into the same orders.
public struct DecisionPlanner {
    let rules: SymbolRules
    let actor: Actor
    let scope: Scope
    let now: Timestamp
    let guardian: RiskGuard
    let state: ProjectionState
    let marks: [String: Amount]
    let ordersInLastMinute: Int
    /// The strategy's own open stops and take-profits on the symbol.
    let protective: [OrderPayload]
    /// Whether the venue holds stop and take-profit orders (else none are planned).
    let venueHoldsStops: Bool

    public init(rules: SymbolRules, actor: Actor, scope: Scope, now: Timestamp, guardian: RiskGuard, state: ProjectionState,
                marks: [String: Amount], ordersInLastMinute: Int, protective: [OrderPayload], venueHoldsStops: Bool = true) {
        self.venueHoldsStops = venueHoldsStops
        self.rules = rules
        self.actor = actor
        self.scope = scope
        self.now = now
        self.guardian = guardian
        self.state = state
        self.marks = marks
        self.ordersInLastMinute = ordersInLastMinute
        self.protective = protective
    }

    public struct Plan {
        public var commands: [Command] = []
        public var refusal: RiskRefusal?
        /// The position the plan's market order leaves, once filled.
        public var target: Amount?
    }

    /// The commands `decision` becomes (each keyed by the candle, the decision and its place), or
    /// the risk guard's refusal and none.
    public func plan(_ decision: StrategyDecision, index: Int, snapshot: StrategySnapshot, candleKey: String) -> Plan {
        let symbol = snapshot.symbol
        var planned: [Command] = []
        var marketTarget: Amount?
        func command(_ type: CommandType, _ payload: JSONObject) {
            planned.append(Command(type: type, ts: now, actor: actor, scope: scope,
                                   idempotencyKey: "\(candleKey):\(index):\(planned.count)", payload: payload))
        }
        func order(_ side: OrderSide, _ type: OrderType, _ quantity: Amount, price: Amount? = nil, stop: Amount? = nil, reduceOnly: Bool) {
            var payload: JSONObject = ["symbol": .string(symbol), "side": .string(side.rawValue), "type": .string(type.rawValue),
                                       "quantity": .amount(quantity)]
            if let price { payload["price"] = .amount(price); payload["timeInForce"] = "GTC" }
            if let stop { payload["stopPrice"] = .amount(stop) }
            if reduceOnly { payload["reduceOnly"] = .bool(true) }
            command(.placeOrder, payload)
        }
        switch decision.action {
        case .targetPosition(let wanted):
            let target = wanted.isNegative ? -rules.quantity(wanted.magnitude) : rules.quantity(wanted)
            let current = snapshot.position.quantity
            let delta = target - current
            if !delta.isZero {
                let reduces = target.isZero || (target.isNegative == current.isNegative && target.magnitude < current.magnitude)
                let side: OrderSide = delta > .zero ? .buy : .sell
                let risk = RiskOrder(symbol: symbol, side: side, quantity: delta.magnitude, reduceOnly: reduces, price: snapshot.lastPrice,
                                     stopLoss: decision.stopLoss)
                if let refusal = guardian.check(risk, state: state, marks: marks, ordersInLastMinute: ordersInLastMinute, now: now) {
                    return Plan(refusal: refusal)
                }
                // The old protective orders go first: they were sized for the old position.
                for old in protective { command(.cancelOrder, ["symbol": .string(symbol), "clientOrderId": .string(old.clientOrderID)]) }
                order(side, .market, delta.magnitude, reduceOnly: reduces)
                marketTarget = target
            } else if !protective.isEmpty || target.isZero {
                return Plan()  // already there, already protected
            }
            if !target.isZero, venueHoldsStops {
                let exit: OrderSide = target > .zero ? .sell : .buy
                let long = target > .zero
                if let stop = decision.stopLoss {
                    order(exit, .stopMarket, target.magnitude, stop: rules.price(stop, down: long), reduceOnly: true)
                }
                if let profit = decision.takeProfit {
                    order(exit, .takeProfitMarket, target.magnitude, stop: rules.price(profit, down: !long), reduceOnly: true)
                }
            }
        case .limitOrder(let side, let wantedQuantity, let wantedPrice):
            let quantity = rules.quantity(wantedQuantity)
            let price = rules.price(wantedPrice, down: side == .buy)
            guard quantity > .zero else { return Plan() }
            let risk = RiskOrder(symbol: symbol, side: side, quantity: quantity, reduceOnly: false, price: price, stopLoss: decision.stopLoss)
            if let refusal = guardian.check(risk, state: state, marks: marks, ordersInLastMinute: ordersInLastMinute, now: now) {
                return Plan(refusal: refusal)
            }
            order(side, .limit, quantity, price: price, reduceOnly: false)
        case .cancelOpenOrders:
            for open in snapshot.openOrders { command(.cancelOrder, ["symbol": .string(symbol), "clientOrderId": .string(open.clientOrderID)]) }
        }
        return Plan(commands: planned, target: marketTarget)
    }
}
