import AlphaCore
import AlphaHTTP
import AlphaJSON

/// A request the API refuses, with the response that says why. Thrown by handlers and by the
/// readers of queries and bodies; the route wrapper turns it into its response.
public typealias APIFailure = HTTPRequestRejection


extension HTTPRequestRejection {
    /// 400 naming every field that was wrong: `{"error": {"code": "invalid_request", "message", "fields": [...]}}`.
    static func invalid(_ problems: [FieldProblem]) -> APIFailure {
        let message = problems.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        let fields: [JSONValue] = problems.map { .object(["field": .string($0.field), "message": .string($0.message)]) }
        let body: JSONValue = .object(["error": .object([
            "code": .string("invalid_request"), "message": .string(message), "fields": .array(fields),
        ])])
        return APIFailure(.json(body, status: .badRequest))
    }

    static func invalid(_ field: String, _ message: String) -> APIFailure { invalid([FieldProblem(field, message)]) }

    /// 401 with one message whatever the cause, so a caller learns nothing about which check failed.
    static var unauthorized: APIFailure {
        var response = HTTPResponse.error(.unauthorized, code: "unauthorized", message: "missing or invalid credentials")
        response.setHeader("WWW-Authenticate", "Bearer realm=\"alphaengine\"")
        return APIFailure(response)
    }

    static func forbidden(_ message: String) -> APIFailure {
        APIFailure(.error(.forbidden, code: "forbidden", message: message))
    }

    static func notFound(_ message: String) -> APIFailure {
        APIFailure(.error(.notFound, code: "not_found", message: message))
    }

    static func conflict(_ message: String) -> APIFailure {
        APIFailure(.error(.conflict, code: "conflict", message: message))
    }

    static func tooManyRequests(retryAfterSeconds: Int64, message: String) -> APIFailure {
        var response = HTTPResponse.error(.tooManyRequests, code: "too_many_requests", message: message)
        response.setHeader("Retry-After", String(max(1, retryAfterSeconds)))
        return APIFailure(response)
    }
}
