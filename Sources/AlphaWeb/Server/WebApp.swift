import AlphaHTTP

/// The web process (DESIGN §9): the JSON API under /api, the SSE stream, /metrics and the SPA.
/// It reads the store the bot writes and changes state only by inserting commands (and its own
/// auth rows: API tokens, signed-out sessions).
///
///     let app = try WebApp(settings: settings, secret: key)
///     try app.start()            // app.port tells the bound port
///     …
///     app.stop()
public final class WebApp: Sendable {
    let api: WebAPI
    private let server: HTTPServer
    /// Every request's way in: the routes, wrapped in the security and CORS headers.
    private let handler: HTTPHandler

    public init(settings: WebSettings, secret: [UInt8]) throws {
        api = try WebAPI(settings: settings, secret: secret)
        let staticFiles = try settings.publicDirectory.map { try StaticFiles(root: $0) }
        // A library's missing file is a 404, not the SPA.
        let vendorFiles = try settings.vendorDirectories.mapValues { try StaticFiles(root: $0, spaFallback: false) }
        let router = api.router(staticFiles: staticFiles, vendorFiles: vendorFiles)
        let headers = ResponseHeaders(corsOrigins: settings.corsOrigins)
        let handler: HTTPHandler = { request in headers.apply(to: request, router.handler) }
        self.handler = handler
        server = HTTPServer(configuration: settings.http, handler: handler)
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
    public var subscriberCount: Int { api.hub.subscriberCount }

    public func start() throws {
        try api.tail.start()
        try server.start()
    }

    /// Stops accepting, lets in-flight requests finish, closes event streams, stops the tail.
    public func stop() {
        server.shutdown()
        api.tail.stop()
    }
}
