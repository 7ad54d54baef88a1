/// One parsed request. The body is complete (chunked bodies are already de-chunked).
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request-target exactly as sent: "/api/orders?limit=5".
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Whether the connection may carry another request after this one (RFC 9112 §9.3).
    public var keepAlive: Bool
    /// Values captured by the route pattern (":id" → "42"), filled in by the router.
    public var pathParameters: [String: String] = [:]
    /// The peer's IPv4 address ("127.0.0.1"), set by the server; "" for a request built by hand.
    public var remoteAddress = ""

    public init(method: String, target: String, version: HTTPVersion = .http11, headers: HTTPHeaders = HTTPHeaders(),
                body: [UInt8] = [], keepAlive: Bool = true) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
        self.body = body
        self.keepAlive = keepAlive
    }

    /// The path part of the target, still percent-encoded.
    public var path: Substring {
        // Searched as bytes: Character search runs grapheme breaking, on every request.
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return target[...] }
        return target[..<mark]
    }

    /// The query part of the target without the "?", or "" when there is none.
    public var queryString: Substring {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return "" }
        return target[target.utf8.index(after: mark)...]
    }

    /// The decoded query parameters.
    public var query: QueryParameters { QueryParameters(queryString) }
}

/// The two versions this server speaks (RFC 9112 §2.3).
public enum HTTPVersion: String, Sendable {
    case http10 = "HTTP/1.0"
    case http11 = "HTTP/1.1"
}
