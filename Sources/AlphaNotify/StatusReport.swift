import AlphaCore
import AlphaStore
import Foundation

/// The engine at a glance, from the store alone: what `alphaengine status` prints and Telegram's
/// /status answers, in the same words.
public enum StatusReport {
    /// Labelled lines: engine, bot, stream, symbol, positions, balances, open orders, today's PnL
    /// and any quarantine.
    public static func lines(_ storage: any Storage, now: Timestamp) throws -> [(label: String, text: String)] {
        let state = try storage.projections.load(recentTerminalOrders: 0)
        let status = state.status
        let venue = storage.venue
        var lines: [(label: String, text: String)] = []
        var engine = "\(status.engineState.rawValue) (\(status.engineMode.rawValue))"
        if let since = status.engineSince { engine += " since \(shown(since, zone: venue.displayTimeZone))" }
        if let reason = status.engineReason, !reason.isEmpty { engine += ": \(reason)" }
        lines.append(("engine", engine))
        if let beat = try storage.heartbeats.heartbeat(process: "bot") {
            let age = (now.millisecondsSinceEpoch - beat.beatAt.millisecondsSinceEpoch) / 1000
            lines.append(("bot", "last heartbeat \(age) s ago (pid \(beat.pid))\(age > 10 ? " — not running?" : "")"))
        } else {
            lines.append(("bot", "never started on this database"))
        }
        let reconcile = status.lastReconcileAt.map { shown(Timestamp(millisecondsSinceEpoch: $0), zone: venue.displayTimeZone) } ?? "never"
        lines.append(("stream", "\(status.streamState.rawValue); last reconcile \(reconcile), \(status.driftTotal) drifts in all"))
        lines.append(("symbol", "\(try storage.configs.runtime().value.symbol) (runtime configuration version \(status.configVersion))"))
        let positions = state.positions.values.filter { !$0.amount.isZero }.sorted { $0.symbol < $1.symbol }
        // On spot a position is a coin held, at its average buy price.
        lines.append((venue.market == .spot ? "holdings" : "positions", positions.isEmpty ? "none" : positions.map { "\($0.symbol) \($0.amount) @ \($0.entryPrice)" }.joined(separator: ", ")))
        let balances = state.balances.values.sorted { $0.asset < $1.asset }
        lines.append(("balances", balances.isEmpty ? "none" : balances.map { "\($0.asset) \($0.walletBalance)" }.joined(separator: ", ")))
        lines.append(("open orders", "\(state.orders.values.filter(\.status.isOpen).count)"))
        lines.append(("today (UTC)", today(state, now: now)))
        for quarantine in state.quarantines.values.sorted(by: { $0.symbol < $1.symbol }) {
            lines.append(("quarantine", "\(quarantine.symbol) \(quarantine.status.rawValue): \(quarantine.started.reason)"))
        }
        return lines
    }

    /// A time in the venue's zone: UTC as ISO-8601 with Z; elsewhere (Upbit: KST) with its offset,
    /// "2026-12-08T01:20:05+09:00", as the venue's traders read it.
    static func shown(_ time: Timestamp, zone identifier: String) -> String {
        guard identifier != "UTC", let zone = TimeZone(identifier: identifier) else { return time.iso8601 }
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(time.millisecondsSinceEpoch) / 1000))
        let local = Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + Int64(offset) * 1000).iso8601.prefix(19)
        let sign = offset < 0 ? "-" : "+", hours = abs(offset) / 3600, minutes = abs(offset) % 3600 / 60
        return "\(local)\(sign)\(hours < 10 ? "0" : "")\(hours):\(minutes < 10 ? "0" : "")\(minutes)"
    }

    /// Today's realized PnL net of fees and funding, per asset.
    public static func today(_ state: ProjectionState, now: Timestamp) -> String {
        let day = now.utcDay
        let pnl = state.pnl.filter { $0.key.day == day }.sorted { $0.key < $1.key }
            .map { "\($0.key.asset) \($0.value.net) net (realized \($0.value.realizedPnl), fees \($0.value.fees), funding \($0.value.funding); \($0.value.trades) trades)" }
        return pnl.isEmpty ? "no trades" : pnl.joined(separator: ", ")
    }
}
