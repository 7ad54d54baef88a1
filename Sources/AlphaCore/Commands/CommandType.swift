/// Every command of the seed catalogue (roadmap §2.2).
public enum CommandType: String, Sendable, CaseIterable, Hashable {
    // Engine and control
    case pauseEngine = "PauseEngine"
    case resumeEngine = "ResumeEngine"
    case setEngineMode = "SetEngineMode"
    case cancelAll = "CancelAll"
    case runReconcile = "RunReconcile"
    case rebuildProjection = "RebuildProjection"
    case updateConfig = "UpdateConfig"
    // Trading
    case placeOrder = "PlaceOrder"
    case cancelOrder = "CancelOrder"
    case closePosition = "ClosePosition"
    case setLeverage = "SetLeverage"
    // Tuning: records a proposal; applying it is an UpdateConfig
    case proposeParameters = "ProposeParameters"
    // A backtest over the candles the bot keeps; its report is read at /api/backtests
    case runBacktest = "RunBacktest"
    // Outside activity
    case resolveQuarantine = "ResolveQuarantine"
    // Transfers
    case internalTransfer = "InternalTransfer"
    case withdraw = "Withdraw"
}
