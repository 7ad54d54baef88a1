import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaStore
import AlphaStrategy

/// The runtime configuration with its version. A change is an UpdateConfig command carrying the
/// version it was based on: checked here first (400 per field, 409 when stale) and again by the
/// bot, which writes the config and its ConfigChanged event in one transaction.
extension WebAPI {
    func addConfigRoutes(to router: inout Router) {
        add(&router, "GET", "/api/config", .viewer) { context in
            try QueryReader(context.request, accepts: []).finish()
            let current = try context.storage.configs.runtime()
            return .json(.object([
                "version": .int(current.version), "updatedAt": .optional(current.updatedAt?.iso8601),
                "updatedBy": .optional(current.updatedBy), "config": .object(current.value.json),
            ]))
        }
        add(&router, "PUT", "/api/config", .admin) { [self] context in
            try QueryReader(context.request, accepts: []).finish()
            var body = try BodyReader(context.request, accepts: ["expectedVersion", "config"])
            let expected = body.integer("expectedVersion", in: 0...Int64.max)
            let config = body.object("config")
            if let config {
                do throws(ConfigValidationError) {
                    let parsed = try RuntimeConfig(json: config, venue: context.storage.venue)
                    for problem in StrategyCatalog.problems(in: parsed) { body.fail("config.\(problem.field)", problem.message) }
                } catch {
                    for problem in error.errors { body.fail("config.\(problem.field)", problem.message) }
                }
            }
            try body.finish()
            guard let expected, let config else { throw APIFailure.invalid("config", "is required") }
            let payload: JSONObject = ["config": .object(config), "expectedVersion": .int(expected)]
            // A retried PUT whose first attempt already went in gets that command back, even
            // though the version has moved on because of it.
            if let key = try idempotencyKey(context.request),
               try context.storage.commands.command(idempotencyKey: "\(context.caller.name):\(key)") != nil {
                return try submit(.updateConfig, payload: payload, context: context)
            }
            let current = try context.storage.configs.runtime().version
            guard current == expected else {
                throw APIFailure.conflict("the configuration is at version \(current), not \(expected): reload it and apply your change again")
            }
            return try submit(.updateConfig, payload: payload, context: context)
        }
    }
}
