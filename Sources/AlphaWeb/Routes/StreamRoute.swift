import AlphaCore
import AlphaHTTP
import AlphaStore
import AlphaSystem
import Foundation

/// `/api/stream`: every event as it is committed, `id:` = seq. A client that reconnects with
/// `Last-Event-ID` (or `?after=`) first gets what it missed from the log, then the live events,
/// each exactly once and in order (the hub's retained ring bridges the replay and the live
/// feed). A browser authenticates with the session cookie; other clients send the header.
extension WebAPI {
    /// Events replayed per connection; a client further behind gets the rest on reconnecting.
    static let replayLimit = 1000

    func addStreamRoute(to router: inout Router) {
        let figures = metrics.route("GET /api/stream")
        router.get("/api/stream") { [self] request in
            .deferred { self.openStream(request, figures: figures) }
        }
    }

    private func openStream(_ request: HTTPRequest, figures: WebMetrics.Route) -> HTTPReply {
        let started = MonotonicClock.now()
        let reply: HTTPReply
        do {
            reply = try pool.with { storage -> HTTPReply in
                let caller = try authenticate(request, storage: storage, access: .viewer, allowCookie: true)
                var query = QueryReader(request, accepts: ["type", "after"])
                let types = query.choices("type", as: EventType.self)
                let after = query.integer("after", in: 0...Int64.max)
                var lastEventID: Int64?
                if let header = request.headers["last-event-id"] {
                    lastEventID = Int64(header.trimmingCharacters(in: .whitespaces))
                    if lastEventID == nil || lastEventID! < 0 { query.problem("Last-Event-ID", "must be the seq of an event (a whole number)") }
                }
                try query.finish()
                let store = storage.events
                var initial: [ServerSentEvent] = []
                let resumeAfter: Int64
                if let from = lastEventID ?? after {
                    // One snapshot: the replay and the log's end must agree, or an event committed
                    // between the two reads would be neither replayed nor streamed.
                    var lastReplayed = from
                    let end = try storage.snapshot {
                        try store.forEachRow(matching: EventFilter(afterSeq: from, types: types), limit: Self.replayLimit) { row in
                            initial.append(EventTail.serverSentEvent(row))
                            lastReplayed = row.seq
                        }
                        return try store.lastSeq()
                    }
                    // Filtered-out events count as seen: resume after the last event looked at.
                    resumeAfter = initial.count == Self.replayLimit ? lastReplayed : max(from, end)
                } else {
                    resumeAfter = try store.lastSeq()
                }
                var source = EventStreamSource(initialEvents: initial, hub: hub, retryMilliseconds: 1000,
                                               resumeAfter: resumeAfter, eventNames: types.map { Set($0.map(\.rawValue)) })
                // The stream lasts no longer than its credentials: it ends when the access token
                // expires, and at once when the token is signed out or the API token revoked.
                if let expires = caller.expiresAt {
                    source.lifetimeMilliseconds = Int(max(0, expires * 1000 - Timestamp.now().millisecondsSinceEpoch))
                }
                source.tag = caller.tokenID
                return .eventStream(source)
            }
        } catch let failure as APIFailure {
            reply = .response(failure.response)
        } catch {
            log.error("GET /api/stream: \(error)")
            reply = .response(.error(.internalServerError, code: "internal_error", message: "the server could not answer; the cause is in its log"))
        }
        let status = if case .response(let response) = reply { response.status.code } else { 200 }
        figures.record(status: status, seconds: Double(MonotonicClock.now() - started) / 1e9)
        return reply
    }
}
