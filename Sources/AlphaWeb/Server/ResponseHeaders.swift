import AlphaHTTP

/// Headers every response carries: security headers for the SPA and the API, `no-store` on
/// API answers, and CORS for the origins the configuration allows (none by default). A
/// preflight from an origin not on the list is refused with 403.
struct ResponseHeaders: Sendable {
    let corsOrigins: Set<String>

    static let allowedMethods = "GET, POST, PUT, DELETE"
    static let allowedHeaders = "Authorization, Content-Type, Idempotency-Key, Last-Event-ID"
    static let contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    func apply(to request: HTTPRequest, _ handler: HTTPHandler) -> HTTPReply {
        let origin = request.headers["origin"]
        let allowedOrigin = origin.flatMap { corsOrigins.contains($0) ? $0 : nil }
        if request.method == "OPTIONS", origin != nil, request.headers["access-control-request-method"] != nil {
            guard let allowedOrigin else {
                return .response(decorate(.error(.forbidden, code: "forbidden", message: "this origin may not call the API"),
                                          path: request.path, origin: nil))
            }
            var preflight = HTTPResponse(status: .noContent)
            preflight.setHeader("Access-Control-Allow-Methods", Self.allowedMethods)
            preflight.setHeader("Access-Control-Allow-Headers", Self.allowedHeaders)
            preflight.setHeader("Access-Control-Max-Age", "600")
            return .response(decorate(preflight, path: request.path, origin: allowedOrigin))
        }
        let path = String(request.path)
        return handler(request).mapResponse { decorate($0, path: path[...], origin: allowedOrigin) }
    }

    static let security: [(String, String)] = [
        ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"), ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Opener-Policy", "same-origin"), ("Content-Security-Policy", contentSecurityPolicy),
    ]
    /// Serialized once: API answers are never cached by browsers or proxies; the SPA's files
    /// keep the caching StaticFiles gives them.
    static let apiBlock = HTTPResponse.preformat(security + [("Cache-Control", "no-store")])
    static let staticBlock = HTTPResponse.preformat(security)

    /// The path as the router sees it: "//api//stream/" routes like "/api/stream", so it must
    /// get the same headers.
    static func routed(_ path: Substring) -> Substring {
        var previousSlash = false
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") && previousSlash { return Substring("/" + path.split(separator: "/").joined(separator: "/")) }
            previousSlash = byte == UInt8(ascii: "/")
        }
        if path.count > 1 && previousSlash { return path.dropLast() }
        return path
    }

    private func decorate(_ response: HTTPResponse, path raw: Substring, origin: String?) -> HTTPResponse {
        let path = Self.routed(raw)
        var response = response
        let isAPI = path.hasPrefix("/api/") || path == "/metrics"
        if path == "/api/stream" {
            // An event stream's head is written from `headers` alone (and has its own Cache-Control).
            for (name, value) in Self.security { response.setHeader(name, value) }
        } else {
            response.preformattedHeaders = isAPI ? Self.apiBlock : Self.staticBlock
        }
        if let origin {
            response.setHeader("Access-Control-Allow-Origin", origin)
            response.setHeader("Access-Control-Expose-Headers", "Location, Retry-After, WWW-Authenticate")
            response.setHeader("Vary", "Origin")
        }
        return response
    }
}
