import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaStore

/// Commands: the web's only way to change anything (DESIGN §3 rule 3). A new command answers
/// 202 with its location; the client follows it to ACK or FAILED. `Idempotency-Key` makes a
/// retried POST return the first command instead of placing a second order.
extension WebAPI {
    /// The longest `Idempotency-Key` header a client may send. The store keeps it scoped by the
    /// user (`<user>:<key>`), within `CommandStore.maximumIdempotencyKeyLength`.
    static let maximumIdempotencyHeaderLength = 128

    func addCommandRoutes(to router: inout Router) {
        add(&router, "GET", "/api/commands", .viewer) { context in
            var query = QueryReader(context.request, accepts: ["status", "type", "limit", "before"])
            let status = query.choice("status", as: CommandStatus.self)
            let type = query.choice("type", as: CommandType.self)
            let limit = Int(query.integer("limit", in: 1...500) ?? 100)
            let before = query.string("before", maxLength: 64)
            try query.finish()
            // A well-formed id that names no command: the page it would follow does not exist.
            if let before, try context.storage.commands.command(id: before) == nil {
                throw APIFailure.notFound("before: no command with id \(before.prefix(64)); pass the `next` of a previous page")
            }
            let commands = try context.storage.commands.list(status: status, type: type, before: before, limit: limit)
            // A full page may have more behind it: `next` is where the following page starts.
            let next: JSONValue = commands.count == limit ? commands.last.map { .string($0.id) } ?? .null : .null
            return .json(.object(["commands": .array(commands.map(APIJSON.command)), "next": next]))
        }
        add(&router, "GET", "/api/commands/:id", .viewer) { context in
            try QueryReader(context.request, accepts: []).finish()
            let id = context.request.pathParameters["id"] ?? ""
            guard let command = try context.storage.commands.command(id: id) else {
                throw APIFailure.notFound("no command with id \(id.prefix(64))")
            }
            return .json(APIJSON.command(command))
        }
        add(&router, "POST", "/api/commands", .admin) { [self] context in
            try QueryReader(context.request, accepts: []).finish()
            var body = try BodyReader(context.request, accepts: ["type", "payload"])
            let type = body.choice("type", as: CommandType.self, allowed: CommandValidation.accepted)
            let payload = body.object("payload", required: false) ?? [:]
            try body.finish()
            guard let type else { throw APIFailure.invalid("type", "is required") }
            return try submit(type, payload: payload, context: context)
        }
    }

    /// Validates and stores a command for the bot; 202 + Location, or 200 with the first
    /// command for a repeated `Idempotency-Key` (409 if the repeat asks for something else).
    func submit(_ type: CommandType, payload: JSONObject, context: Context) throws -> HTTPResponse {
        let caller = context.caller
        let key = try idempotencyKey(context.request)
        let problems = CommandValidation.problems(type, payload, venue: context.storage.venue)
        if !problems.isEmpty { throw APIFailure.invalid(problems) }
        let symbol: String? = if case .string(let text)? = payload["symbol"] { text } else { nil }
        // Keys are per user: two people picking the same key must not see each other's command.
        let command = Command(type: type, actor: Actor(kind: .user, id: "web:\(caller.name)"),
                              scope: Scope(on: context.storage.venue, symbol: symbol, mode: settings.mode),
                              idempotencyKey: key.map { "\(caller.name):\($0)" }, payload: payload)
        let outcome = try context.storage.commands.insert(command)
        var response: HTTPResponse
        switch outcome {
        case .inserted(let stored):
            response = .json(APIJSON.command(stored), status: .accepted)
        case .existing(let stored):
            guard stored.type == type, stored.payload == payload else {
                throw APIFailure.conflict("this Idempotency-Key was already used for a different command (\(stored.id))")
            }
            response = .json(APIJSON.command(stored))
        }
        response.setHeader("Location", "\(apiRoot)/commands/\(outcome.command.id)")
        return response
    }

    func idempotencyKey(_ request: HTTPRequest) throws(APIFailure) -> String? {
        let values = request.headers.values("idempotency-key")
        guard let key = values.first else { return nil }
        guard values.count == 1, (1...Self.maximumIdempotencyHeaderLength).contains(key.utf8.count),
              key.utf8.allSatisfy({ (0x21...0x7E).contains($0) })
        else {
            throw .invalid("Idempotency-Key", "must be one header of 1 to \(Self.maximumIdempotencyHeaderLength) visible ASCII characters (no spaces)")
        }
        return key
    }
}
