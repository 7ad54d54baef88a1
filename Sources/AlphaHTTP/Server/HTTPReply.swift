import AlphaWebSocket

/// What a handler gives back. Handlers run on the event loop and must not block: anything that
/// blocks (a SQLite write, a network call) goes in `.offload`, which runs it on a worker thread
/// and writes its response back on the loop.
public enum HTTPReply: Sendable {
    case response(HTTPResponse)
    case offload(@Sendable () -> HTTPResponse)
    /// Like `offload`, for work whose outcome may be an event stream rather than a response (an
    /// SSE request that must read the database to authenticate and replay).
    case deferred(@Sendable () -> HTTPReply)
    /// Server-sent events (text/event-stream) for as long as the client stays.
    case eventStream(EventStreamSource)
    /// Switch the connection to WebSocket (RFC 6455 §4.2.2); see `WebSocketUpgrade`.
    case webSocket(WebSocketUpgrade)
}

/// A function from a request to a reply: a route's handler, a router, static files.
public typealias HTTPHandler = @Sendable (HTTPRequest) -> HTTPReply

extension HTTPReply {
    /// The same reply with `transform` applied to whatever response it produces (security or
    /// CORS headers, metrics). An event stream's head gets `transform`'s headers.
    public func mapResponse(_ transform: @escaping @Sendable (HTTPResponse) -> HTTPResponse) -> HTTPReply {
        switch self {
        case .response(let response): return .response(transform(response))
        case .offload(let work): return .offload { transform(work()) }
        case .deferred(let work): return .deferred { work().mapResponse(transform) }
        case .eventStream(var source):
            let head = transform(HTTPResponse(status: .ok))
            source.headers += head.headers.map { ($0.name, $0.value) }
            return .eventStream(source)
        case .webSocket: return self
        }
    }
}
