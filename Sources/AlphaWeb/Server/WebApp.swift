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

    public init(settings: WebSettings, secret: [UInt8]) throws {
        api = try WebAPI(settings: settings, secret: secret)
        let staticFiles = try settings.publicDirectory.map { try StaticFiles(root: $0) }
        let router = api.router(staticFiles: staticFiles)
        let headers = ResponseHeaders(corsOrigins: settings.corsOrigins)
        server = HTTPServer(configuration: settings.http) { request in
            headers.apply(to: request, router.handler)
        }
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
