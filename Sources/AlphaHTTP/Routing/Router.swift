/// Maps method and path to a handler. Patterns are literal segments, `:name` parameters and a
/// trailing `*` that matches the rest: "/api/orders/:id", "/assets/*".
///
/// A path that matches some route but not the method gets 405 with `Allow` (RFC 9110 §15.5.6);
/// `HEAD` is served by the `GET` handler (the server drops the body).
public struct Router: Sendable {
    struct Route: Sendable {
        let method: String
        let segments: [Segment]
        let handler: HTTPHandler
    }

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case rest
    }

    private var routes: [Route] = []
    /// Answers requests that match no route (static files, the SPA); 404 when nil.
    public var fallback: HTTPHandler?

    public init() {}

    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping HTTPHandler) {
        let segments: [Segment] = pattern.split(separator: "/").map { part in
            if part == "*" { return .rest }
            if part.hasPrefix(":") { return .parameter(String(part.dropFirst())) }
            return .literal(String(part))
        }
        routes.append(Route(method: method, segments: segments, handler: handler))
    }

    public mutating func get(_ pattern: String, _ handler: @escaping HTTPHandler) { add("GET", pattern, handler) }
    public mutating func post(_ pattern: String, _ handler: @escaping HTTPHandler) { add("POST", pattern, handler) }
    public mutating func put(_ pattern: String, _ handler: @escaping HTTPHandler) { add("PUT", pattern, handler) }
    public mutating func patch(_ pattern: String, _ handler: @escaping HTTPHandler) { add("PATCH", pattern, handler) }
    public mutating func delete(_ pattern: String, _ handler: @escaping HTTPHandler) { add("DELETE", pattern, handler) }

    /// The router as one handler for the server.
    public var handler: HTTPHandler {
        let router = self
        return { router.route($0) }
    }

    public func route(_ request: HTTPRequest) -> HTTPReply {
        guard let segments = Self.decodedSegments(request.path) else {
            return .response(.error(.badRequest, code: "bad_request", message: "the path holds a malformed percent-escape"))
        }
        var allowed: [String] = []
        for route in routes {
            guard let parameters = Self.match(route.segments, segments) else { continue }
            if route.method == request.method || (request.method == "HEAD" && route.method == "GET") {
                var request = request
                request.pathParameters = parameters
                return route.handler(request)
            }
            allowed.append(route.method)
        }
        if allowed.isEmpty {
            if let fallback { return fallback(request) }
            return .response(.error(.notFound, code: "not_found", message: "no route for \(request.path)"))
        }
        if allowed.contains("GET") { allowed.append("HEAD") }
        var response = HTTPResponse.error(.methodNotAllowed, code: "method_not_allowed",
                                          message: "\(request.method) is not allowed here; use \(allowed.joined(separator: ", "))")
        response.setHeader("Allow", allowed.joined(separator: ", "))
        return .response(response)
    }

    /// Splits and percent-decodes the path, segment by segment, so "%2F" inside a segment stays
    /// part of that segment and never becomes a separator.
    static func decodedSegments(_ path: Substring) -> [String]? {
        var segments: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = PercentDecoding.decode(part) else { return nil }
            segments.append(decoded)
        }
        return segments
    }

    static func match(_ pattern: [Segment], _ segments: [String]) -> [String: String]? {
        var parameters: [String: String] = [:]
        for (index, part) in pattern.enumerated() {
            switch part {
            case .rest:
                parameters["*"] = segments[index...].joined(separator: "/")
                return parameters
            case .literal(let literal):
                guard index < segments.count, segments[index] == literal else { return nil }
            case .parameter(let name):
                guard index < segments.count else { return nil }
                parameters[name] = segments[index]
            }
        }
        return pattern.count == segments.count ? parameters : nil
    }
}
