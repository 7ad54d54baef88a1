/// What a command would do on the exchange, as the pre-trade check sees it.
public struct PreTradeRequest: Sendable {
    public enum Intent: Sendable, Equatable {
        /// A new order (PlaceOrder, or the reduce-only order ClosePosition sends).
        case place(OrderRequest)
        /// Cancels one order, or all of a symbol's (CancelOrder, CancelAll).
        case cancel
        /// Cancels the symbol's orders and flattens its position with a reduce-only order.
        case closePosition
        /// Changes the symbol's leverage: no order, no exposure.
        case setLeverage
    }

    public var commandType: CommandType
    public var actor: Actor
    public var intent: Intent
    /// The symbol the command acts on (every exchange command names one).
    public var symbol: String?
    /// The engine's projections as of now: state, mode, positions, balances.
    public var state: ProjectionState

    public init(commandType: CommandType, actor: Actor, intent: Intent, symbol: String? = nil, state: ProjectionState) {
        self.commandType = commandType
        self.actor = actor
        self.intent = intent
        self.symbol = symbol
        self.state = state
    }

    /// Whether the request can add exposure: only a new order that is not reduce-only can.
    public var mayAddExposure: Bool {
        if case .place(let order) = intent { !order.reduceOnly } else { false }
    }
}

/// Why a request was refused: the rule's name (stable, for tools) and a sentence for people.
public struct PreTradeRefusal: Sendable, Equatable, Error, CustomStringConvertible {
    public var rule: String
    public var reason: String

    public init(rule: String, reason: String) {
        self.rule = rule
        self.reason = reason
    }

    public var description: String { "\(rule): \(reason)" }
}

/// One rule of the pre-trade check; the coming risk guard adds its own beside the engine's.
public protocol PreTradeRule: Sendable {
    func check(_ request: PreTradeRequest) -> PreTradeRefusal?
}

/// The one place every exchange command passes before a request leaves (DESIGN §6): the rules
/// in order, the first refusal wins. Pure: the same request and state give the same answer.
public struct PreTradeCheck: Sendable {
    public var rules: [any PreTradeRule]

    public init(rules: [any PreTradeRule] = [EngineStateRule(), QuarantineRule()]) { self.rules = rules }

    public func check(_ request: PreTradeRequest) -> PreTradeRefusal? {
        for rule in rules { if let refusal = rule.check(request) { return refusal } }
        return nil
    }
}

/// The engine's state and mode (issue 12):
/// - PAUSED and SAFE: nothing from the strategy; from users only what closes or cancels
///   (cancels, ClosePosition, reduce-only orders, leverage).
/// - REDUCE_ONLY mode: only orders that cannot add exposure, from anyone.
/// - Any other state (booting, stopped): nothing goes out.
public struct EngineStateRule: PreTradeRule {
    public init() {}

    public func check(_ request: PreTradeRequest) -> PreTradeRefusal? {
        let status = request.state.status
        switch status.engineState {
        case .paused, .safe:
            let rule = status.engineState == .paused ? "ENGINE_PAUSED" : "ENGINE_SAFE"
            if request.actor.kind == .strategy {
                return PreTradeRefusal(rule: rule, reason: "the engine is \(status.engineState.rawValue): the strategy sends nothing")
            }
            if request.mayAddExposure {
                return PreTradeRefusal(rule: rule, reason: "the engine is \(status.engineState.rawValue): only closing, cancelling "
                    + "and reduce-only orders are accepted")
            }
        case .running:
            if status.engineMode == .reduceOnly, request.mayAddExposure {
                return PreTradeRefusal(rule: "REDUCE_ONLY", reason: "the engine is in reduce_only mode: only reduce-only orders are accepted")
            }
        case .booting, .stopped:
            return PreTradeRefusal(rule: "ENGINE_NOT_RUNNING", reason: "the engine is \(status.engineState.rawValue)")
        }
        return nil
    }
}

/// A symbol under quarantine is someone else's for now (issue 15): the strategy sends nothing on
/// it — no order, cancel or close — while users, who outrank it, still may.
public struct QuarantineRule: PreTradeRule {
    public init() {}

    public func check(_ request: PreTradeRequest) -> PreTradeRefusal? {
        guard request.actor.kind == .strategy, let symbol = request.symbol, let quarantine = request.state.quarantines[symbol] else { return nil }
        let state = quarantine.status == .active ? "is in quarantine" : "was left to its outside owner (quarantine ignored)"
        return PreTradeRefusal(rule: "QUARANTINE", reason: "\(symbol) \(state): \(quarantine.started.reason); "
            + "the strategy acts on it again once a user adopts it")
    }
}
