import AlphaCore
import AlphaHTTP
import AlphaStore
import AlphaSystem

/// `/metrics` in the Prometheus text format, behind the same auth as the API (an API token in
/// Prometheus's `authorization` setting is the intended use).
extension WebAPI {
    func addMetricsRoute(to router: inout Router) {
        add(&router, "GET", "/metrics", .viewer) { [self] context in
            try QueryReader(context.request, accepts: []).finish()
            let heartbeat = try context.storage.heartbeats.heartbeat(process: "bot")
            let age = heartbeat.map { Double(Timestamp.now().millisecondsSinceEpoch - $0.beatAt.millisecondsSinceEpoch) / 1000 } ?? -1
            let text = metrics.render(gauges: [
                ("alphaengine_sse_subscribers", "Open /api/stream connections.", Double(hub.subscriberCount)),
                ("alphaengine_events_published_seq", "The last event seq published to the stream.",
                 Double(tail.publishedSeq.load(ordering: .relaxed))),
                ("alphaengine_event_lag_seconds", "From the last event's recording to its publication on the stream.",
                 Double(tail.lastLagMilliseconds.load(ordering: .relaxed)) / 1000),
                ("alphaengine_bot_heartbeat_age_seconds", "Age of the bot's last heartbeat (-1: never seen).", age),
                ("alphaengine_sse_retained_events", "Events kept for clients that resume the stream (bounded).", Double(hub.retainedEvents.count)),
                ("alphaengine_sse_retained_bytes", "Their encoded size.", Double(hub.retainedEvents.bytes)),
                ("alphaengine_web_resident_bytes", "The web process's resident memory.", Double(ProcessMemory.residentBytes() ?? 0)),
                ("alphaengine_web_heap_bytes", "Bytes the web process has allocated and not freed (malloc's live allocations).",
                 Double(ProcessMemory.heapInUseBytes())),
                ("alphaengine_web_sqlite_bytes", "Memory SQLite holds in the web process (page caches up to their limit).",
                 Double(SQLiteMemory.usedBytes)),
            ], families: try botMetrics(context.storage, heartbeat: heartbeat))
            return HTTPResponse(status: .ok, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")], body: Array(text.utf8))
        }
    }

    /// The bot's figures, read from what it writes — its projections, heartbeat, events and
    /// commands — so Prometheus scrapes one endpoint for both processes and the bot serves no HTTP.
    func botMetrics(_ storage: any Storage, heartbeat: Heartbeat?) throws -> [WebMetrics.Family] {
        let now = Timestamp.now().millisecondsSinceEpoch
        let status = try storage.projections.status() ?? EngineStatus()
        let state = try storage.projections.load(recentTerminalOrders: 0)
        let counts = try storage.events.counts(of: [.decisionMade, .riskGuardRejected, .driftDetected])
        let commands = try storage.commands.countsByStatus()
        // Claimed to settled, over the newest 500 orders the bot acknowledged.
        let latencies = try storage.commands.list(status: .acknowledged, type: .placeOrder, limit: 500)
            .compactMap { command in command.claimedAt.map { Double(command.updatedAt.millisecondsSinceEpoch - $0.millisecondsSinceEpoch) / 1000 } }
            .sorted()
        func quantile(_ q: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * q))] }
        func detail(_ name: String) -> Double {
            if case .number(let text)? = heartbeat?.details[name] { return Double(text) ?? 0 }
            return 0
        }
        let weight = detail("usedWeight1m")
        return [
            .init("alphaengine_bot_engine_state", "1 for the engine's current state.",
                  EngineState.allCases.map { ("state=\"\($0.rawValue)\"", $0 == status.engineState ? 1 : 0) }),
            .init("alphaengine_bot_stream_connected", "Whether the user-data stream is connected (1) or not (0).",
                  value: status.streamState == .connected ? 1 : 0),
            .init("alphaengine_bot_stream_reconnects_total", "Reconnects of the user-data stream.", type: "counter", value: Double(status.reconnects)),
            .init("alphaengine_bot_reconcile_age_seconds", "Seconds since the last reconcile finished (-1: never).",
                  value: status.lastReconcileAt.map { Double(now - $0) / 1000 } ?? -1),
            .init("alphaengine_bot_drifts_total", "Differences the reconciler found between the projections and the exchange.",
                  type: "counter", value: Double(counts[.driftDetected] ?? 0)),
            .init("alphaengine_bot_rate_limit_used_weight", "Request weight used in the current minute, as the exchange reports it.", value: weight),
            .init("alphaengine_strategy_decisions_total", "Decisions the strategy took.", type: "counter", value: Double(counts[.decisionMade] ?? 0)),
            .init("alphaengine_risk_refusals_total", "Orders the risk guard refused.", type: "counter", value: Double(counts[.riskGuardRejected] ?? 0)),
            .init("alphaengine_commands", "Commands by status.", CommandStatus.allCases.map { ("status=\"\($0.rawValue)\"", Double(commands[$0] ?? 0)) }),
            .init("alphaengine_order_ack_seconds", "From the bot claiming an order to its acknowledgement, over the newest 500 orders.",
                  [0.5, 0.9, 0.99].map { ("quantile=\"\($0)\"", quantile($0)) }),
            .init("alphaengine_bot_resident_bytes", "The bot process's resident memory, at its last heartbeat.", value: detail("residentBytes")),
            .init("alphaengine_bot_heap_bytes", "Bytes the bot has allocated and not freed (malloc's live allocations), at its last heartbeat.",
                  value: detail("heapBytes")),
            .init("alphaengine_bot_resident_orders", "Orders the bot keeps in memory: the open ones and the latest 2000 finished (bounded).",
                  value: detail("residentOrders")),
            .init("alphaengine_bot_sqlite_bytes", "Memory SQLite holds in the bot process (page caches up to their limit).", value: detail("sqliteBytes")),
            .init("alphaengine_quarantines", "Symbols in quarantine.", value: Double(state.quarantines.count)),
            .init("alphaengine_open_orders", "Orders open on the exchange, as projected.", value: Double(state.orders.values.filter(\.status.isOpen).count)),
            // A pending count that only grows is a receiver that stays down: worth an alert of its own.
            .init("alphaengine_notifications", "Notifications in the outbox, by destination and state.",
                  try storage.notifications.counts().sorted { $0.key < $1.key }.flatMap { destination, counts in
                      [("pending", counts.pending), ("delivered", counts.delivered), ("failed", counts.failed)]
                          .map { ("destination=\"\(destination)\",state=\"\($0.0)\"", Double($0.1)) }
                  }),
        ]
    }
}
