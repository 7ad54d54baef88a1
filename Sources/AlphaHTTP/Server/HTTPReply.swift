import AlphaWebSocket

/// What a handler gives back. Handlers run on the event loop and must not block: anything that
/// blocks (a SQLite write, a network call) goes in `.offload`, which runs it on a worker thread
/// and writes its response back on the loop.
public enum HTTPReply: Sendable {
    case response(HTTPResponse)
    case offload(@Sendable () -> HTTPResponse)
    /// Server-sent events (text/event-stream) for as long as the client stays.
    case eventStream(EventStreamSource)
    /// Switch the connection to WebSocket (RFC 6455 §4.2.2); see `WebSocketUpgrade`.
    case webSocket(WebSocketUpgrade)
}

/// A function from a request to a reply: a route's handler, a router, static files.
public typealias HTTPHandler = @Sendable (HTTPRequest) -> HTTPReply
