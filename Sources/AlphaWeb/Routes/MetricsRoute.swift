import AlphaCore
import AlphaHTTP
import AlphaStore

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
            ])
            return HTTPResponse(status: .ok, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")], body: Array(text.utf8))
        }
    }
}
