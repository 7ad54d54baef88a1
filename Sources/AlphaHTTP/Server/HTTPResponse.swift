import AlphaJSON

/// A response to write: status, header fields and the whole body.
///
/// `Date`, `Content-Length` and `Connection` are added when the response is written; handlers
/// never set them.
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public private(set) var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Header lines serialized ahead of time ("\r\nName: value" each), written verbatim after
    /// `headers`: for constant headers every response carries (security headers), built and
    /// checked once rather than per response. Build it with `preformat(_:)`.
    public var preformattedHeaders: [UInt8] = []

    public init(status: HTTPStatus = .ok, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = []
        self.body = body
        for (name, value) in headers { setHeader(name, value) }
    }

    /// Adds a header field. Bytes that could end the line (CR, LF) or are otherwise not allowed
    /// in a field (NUL and other controls, RFC 9110 §5.5) become spaces, and a name that is not a
    /// token is dropped, so no value, however it was built, can inject a header or a response.
    public mutating func setHeader(_ name: String, _ value: String) {
        guard !name.isEmpty, name.utf8.allSatisfy(HTTPSyntax.isTokenByte) else { return }
        let safe = value.utf8.allSatisfy(HTTPSyntax.isFieldValueByte)
            ? value
            : String(decoding: value.utf8.map { HTTPSyntax.isFieldValueByte($0) ? $0 : 0x20 }, as: UTF8.self)
        headers.append((name: name, value: safe))
    }

    /// Header lines for `preformattedHeaders`, passed through the same checks as `setHeader`.
    public static func preformat(_ headers: [(String, String)]) -> [UInt8] {
        var scratch = HTTPResponse()
        for (name, value) in headers { scratch.setHeader(name, value) }
        var bytes: [UInt8] = []
        for header in scratch.headers { bytes += Array("\r\n\(header.name): \(header.value)".utf8) }
        return bytes
    }

    /// The first value of a header, compared without regard to case.
    public func header(_ name: String) -> String? {
        headers.first(where: { $0.name.lowercased() == name.lowercased() })?.value
    }

    /// `application/json` from already-serialized bytes (the fast path for hot responses).
    public static func json(bytes: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "application/json")], body: bytes)
    }

    /// `application/json` written with the byte-level `JSONWriter`, not `JSONEncoder`.
    public static func json(_ value: JSONValue, status: HTTPStatus = .ok) -> HTTPResponse {
        var writer = JSONWriter(capacity: 512)
        writer.write(value)
        return json(bytes: writer.bytes, status: status)
    }

    public static func text(_ text: String, status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Array(text.utf8))
    }

    /// The one error shape of the API: `{"error":{"code":"not_found","message":"…"}}`.
    public static func error(_ status: HTTPStatus, code: String, message: String) -> HTTPResponse {
        json(.object(["error": .object(["code": .string(code), "message": .string(message)])]), status: status)
    }

    /// The error shape for a request the parser refused.
    static func error(_ failure: HTTPParseError) -> HTTPResponse {
        error(failure.status, code: errorCode(for: failure.status), message: failure.reason)
    }

    /// A stable machine-readable code per status, for clients that branch on it.
    public static func errorCode(for status: HTTPStatus) -> String {
        switch status.code {
        case 400: "bad_request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not_found"
        case 405: "method_not_allowed"
        case 408: "request_timeout"
        case 409: "conflict"
        case 413: "content_too_large"
        case 414: "uri_too_long"
        case 415: "unsupported_media_type"
        case 422: "unprocessable_content"
        case 429: "too_many_requests"
        case 431: "header_fields_too_large"
        case 501: "not_implemented"
        case 503: "service_unavailable"
        case 505: "http_version_not_supported"
        default: status.code >= 500 ? "internal_error" : "error"
        }
    }
}
