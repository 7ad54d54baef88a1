import AlphaCore
import AlphaStore

/// The engine at a glance, from the store alone: what `alphaengine status` prints and Telegram's
/// /status answers, in the same words.
public enum StatusReport {
    /// Labelled lines: engine, bot, stream, symbol, positions, balances, open orders, today's PnL
    /// and any quarantine.
    public static func lines(_ storage: any Storage, now: Timestamp) throws -> [(label: String, text: String)] {
        let state = try storage.projections.load(recentTerminalOrders: 0)
        let status = state.status
        var lines: [(label: String, text: String)] = []
        var engine = "\(status.engineState.rawValue) (\(status.engineMode.rawValue))"
        if let since = status.engineSince { engine += " since \(since.iso8601)" }
        if let reason = status.engineReason, !reason.isEmpty { engine += ": \(reason)" }
        lines.append(("engine", engine))
        if let beat = try storage.heartbeats.heartbeat(process: "bot") {
            let age = (now.millisecondsSinceEpoch - beat.beatAt.millisecondsSinceEpoch) / 1000
            lines.append(("bot", "last heartbeat \(age) s ago (pid \(beat.pid))\(age > 10 ? " — not running?" : "")"))
        } else {
            lines.append(("bot", "never started on this database"))
        }
        let reconcile = status.lastReconcileAt.map { Timestamp(millisecondsSinceEpoch: $0).iso8601 } ?? "never"
        lines.append(("stream", "\(status.streamState.rawValue); last reconcile \(reconcile), \(status.driftTotal) drifts in all"))
        lines.append(("symbol", "\(try storage.configs.runtime().value.symbol) (runtime configuration version \(status.configVersion))"))
        let positions = state.positions.values.filter { !$0.amount.isZero }.sorted { $0.symbol < $1.symbol }
        lines.append(("positions", positions.isEmpty ? "none" : positions.map { "\($0.symbol) \($0.amount) @ \($0.entryPrice)" }.joined(separator: ", ")))
        let balances = state.balances.values.sorted { $0.asset < $1.asset }
        lines.append(("balances", balances.isEmpty ? "none" : balances.map { "\($0.asset) \($0.walletBalance)" }.joined(separator: ", ")))
        lines.append(("open orders", "\(state.orders.values.filter(\.status.isOpen).count)"))
        lines.append(("today (UTC)", today(state, now: now)))
        for quarantine in state.quarantines.values.sorted(by: { $0.symbol < $1.symbol }) {
            lines.append(("quarantine", "\(quarantine.symbol) \(quarantine.status.rawValue): \(quarantine.started.reason)"))
        }
        return lines
    }

    /// Today's realized PnL net of fees and funding, per asset.
    public static func today(_ state: ProjectionState, now: Timestamp) -> String {
        let day = now.utcDay
        let pnl = state.pnl.filter { $0.key.day == day }.sorted { $0.key < $1.key }
            .map { "\($0.key.asset) \($0.value.net) net (realized \($0.value.realizedPnl), fees \($0.value.fees), funding \($0.value.funding); \($0.value.trades) trades)" }
        return pnl.isEmpty ? "no trades" : pnl.joined(separator: ", ")
    }
}
