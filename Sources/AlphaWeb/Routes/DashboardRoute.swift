import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaStore
import Foundation
import Synchronization

/// The dashboard's JSON, rebuilt only when another connection has committed since (the event
/// tail's `data_version` count) or after a second (ages and "now" move on), so many viewers
/// polling it cost one build, not one each.
final class DashboardCache: Sendable {
    private struct Entry {
        let key: UInt64
        let builtAt: Int64
        let bytes: [UInt8]
    }

    private let entry = Mutex<Entry?>(nil)
    static let maxAgeMilliseconds: Int64 = 1000

    /// The cached JSON if it is still current.
    func fresh(key: UInt64, now: Int64) -> [UInt8]? {
        guard let cached = entry.withLock({ $0 }), cached.key == key, now - cached.builtAt < Self.maxAgeMilliseconds else { return nil }
        return cached.bytes
    }

    func bytes(key: UInt64, now: Int64, build: () throws -> [UInt8]) rethrows -> [UInt8] {
        if let cached = fresh(key: key, now: now) { return cached }
        let bytes = try build()
        entry.withLock { $0 = Entry(key: key, builtAt: now, bytes: bytes) }
        return bytes
    }
}

extension WebAPI {
    func addDashboardRoute(to router: inout Router) {
        let fast: FastPath = { [self] request, _ in
            guard request.queryString.isEmpty,
                  let bytes = dashboardCache.fresh(key: tail.changes.load(ordering: .relaxed), now: Timestamp.now().millisecondsSinceEpoch)
            else { return nil }
            return .json(bytes: bytes)
        }
        add(&router, "GET", "/api/dashboard", .viewer, fast: fast) { [self] context in
            try QueryReader(context.request, accepts: []).finish()
            let now = Timestamp.now().millisecondsSinceEpoch
            let key = tail.changes.load(ordering: .relaxed)
            let bytes = try dashboardCache.bytes(key: key, now: now) {
                var writer = JSONWriter(capacity: 4096)
                writer.write(try dashboard(context.storage, now: Timestamp(millisecondsSinceEpoch: now)))
                return writer.bytes
            }
            return .json(bytes: bytes)
        }
    }

    func dashboard(_ storage: any Storage, now: Timestamp) throws -> JSONValue {
        let (state, config, heartbeat, counts, lastSeq, marks, funds) = try storage.snapshot {
            (try storage.projections.load(recentTerminalOrders: 0),
             try storage.configs.runtime(),
             try storage.heartbeats.heartbeat(process: "bot"),
             try storage.commands.countsByStatus(),
             try storage.events.lastSeq(),
             try storage.marketData.marks(),
             try storage.events.events(matching: EventFilter(newestFirst: true, types: Self.fundEventTypes), limit: 10))
        }
        let status = state.status
        let age = heartbeat.map { now.millisecondsSinceEpoch - $0.beatAt.millisecondsSinceEpoch }
        let today = now.utcDay
        var todayByAsset: JSONObject = [:]
        var cumulative: [String: PnLTotals] = [:]
        for (key, totals) in state.pnl {
            if key.day == today { todayByAsset[key.asset] = APIJSON.totals(totals) }
            var sum = cumulative[key.asset] ?? PnLTotals()
            sum.realizedPnl += totals.realizedPnl
            sum.fees += totals.fees
            sum.funding += totals.funding
            sum.trades += totals.trades
            cumulative[key.asset] = sum
        }
        let details = heartbeat?.details ?? [:]
        let engine: JSONObject = [
            "state": .string(status.engineState.rawValue), "mode": .string(status.engineMode.rawValue),
            "since": .optional(status.engineSince?.iso8601), "reason": .optional(status.engineReason),
            "bootId": .optional(status.bootID),
        ]
        let heartbeatAge: JSONValue = age.map { .int($0) } ?? .null
        let bot: JSONObject = [
            "heartbeatAt": .optional(heartbeat?.beatAt.iso8601), "heartbeatAgeMs": heartbeatAge,
            "alive": .bool(age.map { $0 < settings.botStaleAfterMilliseconds } ?? false),
        ]
        let stream: JSONObject = [
            "state": .string(status.streamState.rawValue), "since": .optional(status.streamSince?.iso8601),
            "reconnects": .int(status.reconnects),
        ]
        let rateLimit: JSONObject = [
            "usedWeight1m": details["usedWeight1m"] ?? .null, "level": details["level"] ?? .null,
            "closedUntil": details["closedUntil"] ?? .null,
        ]
        let lastReconcile: String? = status.lastReconcileAt.map { Timestamp(millisecondsSinceEpoch: $0).iso8601 }
        let reconcile: JSONObject = [
            "lastAt": .optional(lastReconcile), "lastRunId": .optional(status.lastReconcileRunID),
            "lastDrifts": .int(status.lastReconcileDrifts), "driftTotal": .int(status.driftTotal),
        ]
        // Each position with the part AlphaEngine's own fills make and the part someone else's do.
        let positions: [JSONValue] = state.positions.values.sorted { $0.symbol < $1.symbol }.map { position in
            guard case .object(var json) = APIJSON.position(position, marks: marks) else { return .null }
            json["ownedAmount"] = .amount(state.ownedAmount(position.symbol))
            json["outsideAmount"] = .amount(position.amount - state.ownedAmount(position.symbol))
            return .object(json)
        }
        let balances: [JSONValue] = state.balances.values.sorted { $0.asset < $1.asset }.map { .object($0.json) }
        let openOrders: [JSONValue] = state.orders.values.filter { !$0.status.isTerminal }.sorted { $0.time > $1.time }.map { order in
            var json = order.json
            json["outside"] = .bool(!ClientOrderID.isOurs(order.clientOrderID))
            return .object(json)
        }
        var cumulativeByAsset: JSONObject = [:]
        for (asset, totals) in cumulative { cumulativeByAsset[asset] = APIJSON.totals(totals) }
        let pnl: JSONObject = [
            "today": .object(["day": .string(today), "byAsset": .object(todayByAsset)]),
            "cumulative": .object(["byAsset": .object(cumulativeByAsset)]),
        ]
        let risk: JSONObject = [
            "maxRiskPerTrade": .amount(config.value.maxRiskPerTrade), "dailyLossLimit": .amount(config.value.dailyLossLimit),
            "dailyLossUsed": .amount(state.dailyLossUsed(day: today, asset: storage.venue.quoteAsset)), "configVersion": .int(config.version),
        ]
        var commandCounts: JSONObject = [:]
        for status in CommandStatus.allCases { commandCounts[status.rawValue] = .int(counts[status] ?? 0) }
        var dashboard: JSONObject = ["generatedAt": .string(now.iso8601), "seq": .int(lastSeq)]
        dashboard["engine"] = .object(engine)
        dashboard["tradingMode"] = .string(settings.mode.rawValue)
        dashboard["symbol"] = .string(config.value.symbol)
        dashboard["venue"] = APIJSON.venue(storage.venue)
        dashboard["bot"] = .object(bot)
        dashboard["stream"] = .object(stream)
        dashboard["rateLimit"] = .object(rateLimit)
        dashboard["reconcile"] = .object(reconcile)
        dashboard["positions"] = .array(positions)
        dashboard["balances"] = .array(balances)
        dashboard["openOrders"] = .array(openOrders)
        dashboard["pnl"] = .object(pnl)
        dashboard["risk"] = .object(risk)
        dashboard["commands"] = .object(commandCounts)
        dashboard["quarantines"] = .array(APIJSON.quarantines(state))
        dashboard["funds"] = .array(funds.map(APIJSON.fundMovement))
        return .object(dashboard)
    }
}
