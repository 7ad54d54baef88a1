import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaStore

/// Liveness, readiness and the API contract: open to all, for systemd, load balancers and
/// client generators. They say whether things work, never anything secret.
extension WebAPI {
    func addHealthRoutes(to router: inout Router) {
        add(&router, "GET", "/api/health", .open) { context in
            try QueryReader(context.request, accepts: []).finish()
            do {
                try context.storage.ping()
            } catch {
                throw APIFailure(.error(.serviceUnavailable, code: "service_unavailable", message: "the database does not answer"))
            }
            return .json(.object(["status": .string("ok")]))
        }
        add(&router, "GET", "/api/ready", .open) { [self] context in
            try QueryReader(context.request, accepts: []).finish()
            let readiness = readiness(context.storage)
            return .json(readiness.body, status: readiness.ready ? .ok : .serviceUnavailable)
        }
        let document = settings.openAPIDocument
        add(&router, "GET", "/api/openapi.yaml", .open) { context in
            try QueryReader(context.request, accepts: []).finish()
            return HTTPResponse(status: .ok, headers: [("Content-Type", "application/yaml")], body: document)
        }
    }

    /// Ready when the store can be read and the bot has beaten recently; the stream's state is
    /// reported but does not decide (REST polling keeps the bot correct without it).
    func readiness(_ storage: any Storage) -> (ready: Bool, body: JSONValue) {
        let now = Timestamp.now().millisecondsSinceEpoch
        // Only the status row: load balancers poll this every few seconds. A store that answers
        // but has no status yet (no event) is readable; one that throws is not.
        let status = Result { try storage.projections.status() }
        let databaseOK: Bool, stream: WebSocketState
        switch status {
        case .success(let row): (databaseOK, stream) = (true, row?.streamState ?? .disconnected)
        case .failure: (databaseOK, stream) = (false, .disconnected)
        }
        let heartbeat = try? storage.heartbeats.heartbeat(process: "bot")
        let age = heartbeat.map { now - $0.beatAt.millisecondsSinceEpoch }
        let botOK = age.map { $0 < settings.botStaleAfterMilliseconds } ?? false
        let body: JSONValue = .object([
            "ready": .bool(databaseOK && botOK),
            "checks": .object([
                "database": .object(["ok": .bool(databaseOK)]),
                "bot": .object(["ok": .bool(botOK), "heartbeatAgeMs": age.map { .int($0) } ?? .null]),
                "stream": .object(["ok": .bool(stream == .connected), "state": .string(stream.rawValue)]),
            ]),
        ])
        return (databaseOK && botOK, body)
    }
}
