/// Every event type of the seed catalogue (roadmap §2.1). The raw value is what is stored in
/// `event_store.event_type` and sent to API clients.
public enum EventType: String, Sendable, CaseIterable, Hashable {
    // Engine and control
    case engineStarted = "EngineStarted"
    case engineStopped = "EngineStopped"
    case enginePaused = "EnginePaused"
    case engineResumed = "EngineResumed"
    case engineModeChanged = "EngineModeChanged"
    case manualOverrideExecuted = "ManualOverrideExecuted"
    case riskGuardRejected = "RiskGuardRejected"
    case configChanged = "ConfigChanged"
    // Orders and trades
    case orderPlaced = "OrderPlaced"
    case orderRejected = "OrderRejected"
    case orderCancelled = "OrderCancelled"
    case orderUpdated = "OrderUpdated"
    case tradeExecuted = "TradeExecuted"
    // Position, balance, fees
    case positionChanged = "PositionChanged"
    case balanceChanged = "BalanceChanged"
    case feeCharged = "FeeCharged"
    case fundingApplied = "FundingApplied"
    // Internal transfers
    case internalTransferRequested = "InternalTransferRequested"
    case internalTransferCompleted = "InternalTransferCompleted"
    case internalTransferFailed = "InternalTransferFailed"
    // Deposits and withdrawals
    case depositDetected = "DepositDetected"
    case withdrawRequested = "WithdrawRequested"
    case withdrawCompleted = "WithdrawCompleted"
    case withdrawFailed = "WithdrawFailed"
    // Reconciliation and audit
    case driftDetected = "DriftDetected"
    case reconciliationPerformed = "ReconciliationPerformed"
    case quarantineStarted = "QuarantineStarted"
    case quarantineCompleted = "QuarantineCompleted"
    // WebSocket
    case webSocketConnected = "WebSocketConnected"
    case webSocketDisconnected = "WebSocketDisconnected"
    case webSocketReconnected = "WebSocketReconnected"
    // Strategy
    case strategyEvaluated = "StrategyEvaluated"
    case decisionMade = "DecisionMade"
    /// A tuning run's winning parameters, for an admin to apply through UpdateConfig (never automatically).
    case parametersProposed = "ParametersProposed"

    /// The four event types whose payload is an `OrderPayload`.
    public var isOrderEvent: Bool {
        self == .orderPlaced || self == .orderUpdated || self == .orderCancelled || self == .orderRejected
    }
}

/// Where a fact came from. The WebSocket and REST copies of one fact share a dedup key, so only
/// the first to arrive is stored; this field says which one that was.
public enum EventSource: String, Sendable, CaseIterable, Hashable {
    case webSocket = "WEBSOCKET"
    case rest = "REST"
    case bot = "BOT"
    case web = "WEB"
}

/// The kind of thing an event is about; with `entity_id` it lets the API filter one order's history.
public enum EntityKind: String, Sendable, CaseIterable, Hashable {
    case engine, config, order, trade, position, balance, fee, funding, transfer, deposit, withdrawal
    case reconciliation, quarantine, stream, command, strategy
}
