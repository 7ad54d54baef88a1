import AlphaHTTP
import AlphaJSON

/// The web process (DESIGN §9): the JSON API under /api, the SSE stream, /metrics and the SPA.
/// It reads the store the bot writes and changes state only by inserting commands (and its own
/// auth rows: API tokens, signed-out sessions).
///
///     let app = try WebApp(settings: settings, secret: key)
///     try app.start()            // app.port tells the bound port
///     …
///     app.stop()
public final class WebApp: Sendable {
    /// The first account's API (the only one of a web serving one account).
    let api: WebAPI
    /// Every account's, in the order given.
    let apis: [WebAPI]
    private let server: HTTPServer
    /// Every request's way in: the routes, wrapped in the security and CORS headers.
    private let handler: HTTPHandler

    public convenience init(settings: WebSettings, secret: [UInt8]) throws {
        try self.init(accounts: [settings], secret: secret)
    }

    /// One web for several accounts (issue 19): each account's API under `/api/accounts/<name>/`,
    /// on its own store, with tokens good for it alone; the first also answers under `/api/`,
    /// and `GET /api/accounts` names them all. The server, SPA and limits are the first's.
    public init(accounts: [WebSettings], secret: [UInt8]) throws {
        precondition(!accounts.isEmpty, "a web serves at least one account")
        let settings = accounts[0]
        apis = try accounts.map { try WebAPI(settings: $0, secret: secret) }
        api = apis[0]
        let staticFiles = try settings.publicDirectory.map { try StaticFiles(root: $0) }
        // A library's missing file is a 404, not the SPA.
        let vendorFiles = try settings.vendorDirectories.mapValues { try StaticFiles(root: $0, spaFallback: false) }
        let main = api.router(staticFiles: staticFiles, vendorFiles: vendorFiles)
        var routers: [String: Router] = [:]
        for (index, account) in accounts.enumerated() {
            if let name = account.account { routers[name] = index == 0 ? main : apis[index].router(staticFiles: nil) }
        }
        let byName = routers
        let list = Self.accountList(accounts)
        let headers = ResponseHeaders(corsOrigins: settings.corsOrigins)
        let routed: HTTPHandler = { request in
            guard request.path.hasPrefix("/api/accounts") else { return main.handler(request) }
            if request.path == "/api/accounts" {
                guard request.method == "GET" else {
                    var refusal = HTTPResponse.error(.methodNotAllowed, code: "method_not_allowed", message: "GET /api/accounts only")
                    refusal.setHeader("Allow", "GET")
                    return .response(refusal)
                }
                do throws(APIFailure) { try QueryReader(request, accepts: []).finish() } catch { return .response(error.response) }
                return .response(.json(.object(list)))
            }
            // /api/accounts/<name>/rest → that account's /api/rest.
            let rest = request.target.dropFirst("/api/accounts/".count)
            let name = String(rest.prefix { $0 != "/" && $0 != "?" })
            guard let router = byName[name] else {
                return .response(.error(.notFound, code: "unknown_account", message: "no account named \(name.prefix(40)) is served here"))
            }
            var inner = request
            inner.target = "/api" + rest.dropFirst(name.count)
            return router.handler(inner)
        }
        let handler: HTTPHandler = { request in headers.apply(to: request, routed) }
        self.handler = handler
        server = HTTPServer(configuration: settings.http, handler: handler)
    }

    /// `GET /api/accounts`: the accounts served (names, venue, mode), the first being the default.
    static func accountList(_ accounts: [WebSettings]) -> JSONObject {
        let entries: [JSONValue] = accounts.map { account in
            .object(["name": account.account.map(JSONValue.string) ?? .null, "venue": APIJSON.venue(account.storage.venue),
                     "mode": .string(account.mode.rawValue)])
        }
        return ["accounts": .array(entries)]
    }

    /// Answers one request on the calling thread, without our HTTP server: for the benchmark
    /// that runs this same API inside another server (Benchmarks/HummingbirdBaseline).
    public func respond(to request: HTTPRequest) -> HTTPResponse {
        func settle(_ reply: HTTPReply) -> HTTPResponse {
            switch reply {
            case .response(let response): response
            case .offload(let work): work()
            case .deferred(let work): settle(work())
            case .eventStream, .webSocket: .error(.notImplemented, code: "not_implemented", message: "streams need the real server")
            }
        }
        return settle(handler(request))
    }

    public var port: UInt16 { server.port }

    /// Open /api/stream connections.
    public var subscriberCount: Int { apis.reduce(0) { $0 + $1.hub.subscriberCount } }

    public func start() throws {
        for api in apis { try api.tail.start() }
        try server.start()
    }

    /// Stops accepting, lets in-flight requests finish, closes event streams, stops the tails.
    public func stop() {
        server.shutdown()
        for api in apis { api.tail.stop() }
    }
}
