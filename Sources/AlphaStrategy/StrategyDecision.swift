import AlphaCore

/// What a strategy returns for one candle: what it wants done, what it saw, and the state it
/// wants back next time.
public struct StrategyOutput: Sendable, Equatable {
    public var decisions: [StrategyDecision]
    /// What it saw, recorded as events whether or not it acts ("fast SMA crossed above slow").
    public var signals: [StrategySignal]
    /// Handed back in the next snapshot, and kept across restarts.
    public var state: JSONObject

    public init(decisions: [StrategyDecision] = [], signals: [StrategySignal] = [], state: JSONObject = [:]) {
        self.decisions = decisions
        self.signals = signals
        self.state = state
    }
}

/// An observation, with the numbers it was made from.
public struct StrategySignal: Sendable, Equatable {
    public var name: String
    public var values: JSONObject

    public init(_ name: String, _ values: JSONObject = [:]) {
        self.name = name
        self.values = values
    }
}

/// One thing the strategy wants, with the reason recorded beside it.
public struct StrategyDecision: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// Hold this signed quantity (negative is short, zero is flat): the runner sends the
        /// difference from the position as one market order.
        case targetPosition(Amount)
        /// A limit order at `price`.
        case limitOrder(side: OrderSide, quantity: Amount, price: Amount)
        /// Cancels its open orders.
        case cancelOpenOrders
    }

    public var action: Action
    /// The protective stop for what this decision opens: a STOP_MARKET on the exchange that
    /// closes the position, so a dead bot never leaves it naked. Required for every entry.
    public var stopLoss: Amount?
    public var takeProfit: Amount?
    public var reason: String

    public init(_ action: Action, stopLoss: Amount? = nil, takeProfit: Amount? = nil, reason: String) {
        self.action = action
        self.stopLoss = stopLoss
        self.takeProfit = takeProfit
        self.reason = reason
    }

    /// A short stable word for the idempotency key and the event ("target", "limit", "cancel").
    public var kind: String {
        switch action {
        case .targetPosition: "target"
        case .limitOrder: "limit"
        case .cancelOpenOrders: "cancel"
        }
    }
}

/// A decision the runner will not carry out because it makes no sense; the engine goes to SAFE.
public struct StrategyNonsense: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

extension StrategyDecision {
    /// Checks what no market condition can excuse: an entry without a stop, a stop on the wrong
    /// side of the price, a non-positive price or quantity, an empty reason.
    public func check(price: Amount, position: StrategyPosition) throws(StrategyNonsense) {
        if reason.isEmpty { throw StrategyNonsense(message: "a decision without a reason") }
        switch action {
        case .cancelOpenOrders:
            return
        case .limitOrder(_, let quantity, let limit):
            guard quantity > .zero else { throw StrategyNonsense(message: "limit order quantity \(quantity) is not positive") }
            guard limit > .zero else { throw StrategyNonsense(message: "limit price \(limit) is not positive") }
            try checkProtection(entry: limit, long: true, opens: true, allowEitherSide: true)
        case .targetPosition(let target):
            let opens = !target.isZero && (target.magnitude > position.quantity.magnitude
                                           || (target.isNegative != position.quantity.isNegative && !position.isFlat))
            try checkProtection(entry: price, long: target > .zero, opens: opens, allowEitherSide: false)
        }
    }

    private func checkProtection(entry: Amount, long: Bool, opens: Bool, allowEitherSide: Bool) throws(StrategyNonsense) {
        if let stopLoss, stopLoss <= .zero { throw StrategyNonsense(message: "stop loss \(stopLoss) is not positive") }
        if let takeProfit, takeProfit <= .zero { throw StrategyNonsense(message: "take profit \(takeProfit) is not positive") }
        guard opens else { return }
        guard let stopLoss else { throw StrategyNonsense(message: "an entry without a protective stop") }
        guard !allowEitherSide else { return }
        if long, stopLoss >= entry { throw StrategyNonsense(message: "stop \(stopLoss) of a long is not below the price \(entry)") }
        if !long, stopLoss <= entry { throw StrategyNonsense(message: "stop \(stopLoss) of a short is not above the price \(entry)") }
        if let takeProfit {
            if long, takeProfit <= entry { throw StrategyNonsense(message: "take profit \(takeProfit) of a long is not above the price \(entry)") }
            if !long, takeProfit >= entry { throw StrategyNonsense(message: "take profit \(takeProfit) of a short is not below the price \(entry)") }
        }
    }
}
