import AlphaCore
import AlphaCrypto
import AlphaHTTP
import AlphaJSON
import AlphaStore

/// Login, logout and "who am I". Login is throttled per user name and per client address before
/// any password is checked, and an unknown user costs the same KDF work as a wrong password.
extension WebAPI {
    /// Checked against when the user does not exist, so timing does not reveal which names do.
    private static let decoyHash = PasswordHash.make("decoy password that matches nothing")

    func addAuthRoutes(to router: inout Router) {
        add(&router, "POST", "/api/auth/login", .open) { [self] context in
            try login(context)
        }
        add(&router, "POST", "/api/auth/logout", .viewer) { [self] context in
            try QueryReader(context.request, accepts: []).finish()
            let caller = context.caller
            if caller.kind == .user, let id = caller.tokenID, let expires = caller.expiresAt {
                try authenticator.revoke(tokenID: id, expiresAt: expires, storage: context.storage,
                                         now: Timestamp.now().millisecondsSinceEpoch / 1000)
                hub.end(tag: id)
            }
            var response = HTTPResponse(status: .noContent)
            response.setHeader("Set-Cookie", "\(Authenticator.sessionCookie)=; Path=\(streamPath); HttpOnly; SameSite=Strict; Max-Age=0")
            return response
        }
        add(&router, "GET", "/api/auth/me", .viewer) { context in
            try QueryReader(context.request, accepts: []).finish()
            let caller = context.caller
            return .json(.object([
                "name": .string(caller.name), "role": .string(caller.role.rawValue), "kind": .string(caller.kind.rawValue),
                "expiresAt": caller.expiresAt.map { .string(Timestamp(millisecondsSinceEpoch: $0 * 1000).iso8601) } ?? .null,
            ]))
        }
    }

    private func login(_ context: Context) throws -> HTTPResponse {
        try QueryReader(context.request, accepts: []).finish()
        var body = try BodyReader(context.request, accepts: ["username", "password"])
        let username = body.string("username", maxLength: 64)
        let password = body.string("password", maxLength: 1024)
        try body.finish()
        guard let username, let password else { throw APIFailure.invalid("username", "is required") }

        let address = clientAddress(context.request)
        let now = Timestamp.now().millisecondsSinceEpoch / 1000
        if let wait = throttle.retryAfter(user: username, address: address, now: now) {
            throw APIFailure.tooManyRequests(retryAfterSeconds: wait, message: "too many failed logins; try again in \(wait) s")
        }
        let user = try context.storage.users.user(named: username)
        let matches = PasswordHash.verify(password, against: user?.passwordHash ?? Self.decoyHash)
        // A disabled user is refused like a wrong password: the answer does not say which names exist.
        guard let user, matches, user.disabledAt == nil, let role = Role(rawValue: user.role) else {
            throttle.recordFailure(user: username, address: address, now: now)
            throw APIFailure.unauthorized
        }
        throttle.recordSuccess(user: username)
        let token = tokens.issue(subject: user.name, role: role, now: now)
        let expiresAt = now + tokens.lifetimeSeconds
        var response = HTTPResponse.json(.object([
            "token": .string(token), "tokenType": .string("Bearer"),
            "expiresAt": .string(Timestamp(millisecondsSinceEpoch: expiresAt * 1000).iso8601),
            "user": .object(["name": .string(user.name), "role": .string(role.rawValue)]),
        ]))
        // For the browser's EventSource, which cannot send headers: scoped to the stream only,
        // out of reach of scripts, never sent cross-site; Secure when nginx says it came over TLS.
        let secure = context.request.headers["x-forwarded-proto"]?.lowercased() == "https" ? "; Secure" : ""
        response.setHeader("Set-Cookie", "\(Authenticator.sessionCookie)=\(token); Path=\(streamPath); HttpOnly; SameSite=Strict; "
            + "Max-Age=\(tokens.lifetimeSeconds)\(secure)")
        return response
    }

    /// Where the session cookie goes: the account's own stream when one web serves several (each
    /// account's token for its stream alone), else /api/stream.
    var streamPath: String { "\(apiRoot)/stream" }

    /// Where this account's API is: `/api/accounts/<name>` for an account among several, else `/api`.
    var apiRoot: String { settings.account.map { "/api/accounts/\($0)" } ?? "/api" }
}
