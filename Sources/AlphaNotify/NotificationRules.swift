import AlphaCore

/// Which events a person is told about, and in what words. Pure: an event in, a message (and the
/// topic that keeps repeats quiet) out, or nil for the many events nobody needs a ping for.
public enum NotificationRules {
    public struct Outcome: Sendable, Equatable {
        public var message: NotificationMessage
        /// Set for what can repeat without news (the same drift each reconcile, the same rule
        /// refusing each candle): within the quiet window only the first is sent.
        public var topic: String?
    }

    public static func notification(for event: Event, mode: String) -> Outcome? {
        do {
            return try outcome(event, mode: mode)
        } catch {
            // A payload this build cannot read is no reason to stop telling about the rest.
            return Outcome(message: NotificationMessage(kind: .engine, title: "\(event.type.rawValue) (unreadable payload: \(error))",
                                                        time: event.ts, mode: mode), topic: "unreadable:\(event.type.rawValue)")
        }
    }

    private static func outcome(_ event: Event, mode: String) throws(PayloadError) -> Outcome? {
        func message(_ kind: NotificationKind, _ title: String, _ lines: [String]) -> NotificationMessage {
            NotificationMessage(kind: kind, title: title, lines: lines, time: event.ts, mode: mode)
        }
        switch event.type {
        case .tradeExecuted:
            let trade = try TradePayload(json: event.payload)
            var lines = ["\(trade.maker ? "maker" : "taker") fill of order \(trade.clientOrderID ?? trade.orderID)"]
            if !trade.realizedPnl.isZero { lines.append("realized PnL \(trade.realizedPnl) \(trade.pnlAsset)") }
            return Outcome(message: message(.fills, "Fill: \(trade.side.rawValue) \(trade.quantity) \(trade.symbol) @ \(trade.price)", lines))
        case .driftDetected:
            let drift = try DriftPayload(json: event.payload)
            return Outcome(message: message(.drift, "Drift: \(drift.entity) \(drift.field)",
                                            ["ours \(drift.expected), the exchange's \(drift.actual)", "the reconciler took the exchange's figure"]),
                           topic: "drift:\(drift.entity):\(drift.field)")
        case .riskGuardRejected:
            let refusal = try RiskGuardRejectedPayload(json: event.payload)
            var lines = [refusal.reason, "asked by \(refusal.actor)"]
            if let measured = refusal.measured, let limit = refusal.limit { lines.append("measured \(measured), limit \(limit)") }
            return Outcome(message: message(.risk, "Risk guard refused: \(refusal.rule)", lines), topic: "risk:\(refusal.rule):\(refusal.actor)")
        case .quarantineStarted:
            let started = try QuarantineStartedPayload(json: event.payload)
            return Outcome(message: message(.quarantine, "Quarantine: \(started.symbol) (\(started.cause.rawValue))", [
                started.reason, "exchange position \(started.exchangeAmount), AlphaEngine's part \(started.ownedAmount)",
                "no trading on \(started.symbol) until you adopt, close or ignore it on the dashboard",
            ]))
        case .quarantineCompleted:
            let completed = try QuarantineCompletedPayload(json: event.payload)
            return Outcome(message: message(.quarantine, "Quarantine ended: \(completed.symbol) (\(completed.action.rawValue) by \(completed.by))",
                                            [completed.detail]))
        case .engineStarted:
            let started = try EngineStartedPayload(json: event.payload)
            return Outcome(message: message(.engine, "Engine started: \(started.state.rawValue) (\(started.mode.rawValue))", ["boot \(started.bootID)"]))
        case .enginePaused, .engineResumed, .engineStopped:
            let reason = try EngineReasonPayload(json: event.payload).reason
            let title = switch event.type {
            case .enginePaused: "Engine paused"
            case .engineResumed: "Engine resumed"
            default: "Engine stopped"
            }
            return Outcome(message: message(.engine, title, reason.isEmpty ? [] : [reason]))
        case .engineModeChanged:
            let change = try EngineModePayload(json: event.payload)
            return Outcome(message: message(.engine, "Engine mode: \(change.mode.rawValue)", change.reason.isEmpty ? [] : [change.reason]))
        default:
            return nil
        }
    }

    /// The day's summary: one line an asset, or "no trades".
    public static func dailySummary(day: String, totals: [(asset: String, totals: PnLTotals)], at time: Timestamp, mode: String) -> NotificationMessage {
        let lines = totals.isEmpty ? ["no trades"] : totals.map { entry in
            let sum = entry.totals
            return "\(entry.asset): net \(sum.net) (realized \(sum.realizedPnl), fees \(sum.fees), funding \(sum.funding)), \(sum.trades) trades"
        }
        return NotificationMessage(kind: .dailyPnL, title: "Daily PnL \(day) (UTC)", lines: lines, time: time, mode: mode)
    }
}
