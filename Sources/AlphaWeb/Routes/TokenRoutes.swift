import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaStore

/// Read-only API tokens for third-party dashboards: created and revoked by an admin. The token
/// text is shown once, at creation; only a hash of its secret is stored.
extension WebAPI {
    func addTokenRoutes(to router: inout Router) {
        add(&router, "GET", "/api/tokens", .admin) { context in
            try QueryReader(context.request, accepts: []).finish()
            let tokens = try context.storage.apiTokens.all()
            return .json(.object(["tokens": .array(tokens.map(APIJSON.apiToken))]))
        }
        add(&router, "POST", "/api/tokens", .admin) { context in
            try QueryReader(context.request, accepts: []).finish()
            var body = try BodyReader(context.request, accepts: ["name"])
            let name = body.string("name", maxLength: 64)
            try body.finish()
            guard let name else { throw APIFailure.invalid("name", "is required") }
            let secret = ApiTokenSecret.generate()
            let stored = StoredApiToken(id: secret.id, name: name, role: Role.viewer.rawValue, secretHash: secret.secretHash,
                                        createdBy: context.caller.name, createdAt: .now())
            try context.storage.apiTokens.add(stored)
            var response = HTTPResponse.json(.object(["token": .string(secret.text), "apiToken": APIJSON.apiToken(stored)]),
                                             status: .created)
            response.setHeader("Location", "\(self.apiRoot)/tokens/\(stored.id)")
            return response
        }
        add(&router, "DELETE", "/api/tokens/:id", .admin) { [self] context in
            try QueryReader(context.request, accepts: []).finish()
            let id = context.request.pathParameters["id"] ?? ""
            guard try context.storage.apiTokens.revoke(id: id) else {
                throw APIFailure.notFound("no API token with id \(id.prefix(64))")
            }
            hub.end(tag: id)  // its open streams end now, not at their next reconnect
            return HTTPResponse(status: .noContent)
        }
    }
}
