import Foundation
import Testing
@testable import AlphaHTTP

@Suite("Responses and routing")
struct ResponseAndRouterTests {
    func serialized(_ response: HTTPResponse, keepAlive: Bool = true, omitBody: Bool = false) -> String {
        var output: [UInt8] = []
        response.serialize(into: &output, date: Array("DATE".utf8), keepAlive: keepAlive, version: .http11, omitBody: omitBody)
        return String(decoding: output, as: UTF8.self)
    }

    @Test("a response is one buffer: status line, Date, Content-Length, headers, blank line, body")
    func serialization() {
        let text = serialized(.json(bytes: Array("{}".utf8), status: .created))
        #expect(text == "HTTP/1.1 201 Created\r\nDate: DATE\r\nContent-Length: 2\r\nContent-Type: application/json\r\n\r\n{}")
        #expect(serialized(.text("x"), keepAlive: false).contains("\r\nConnection: close\r\n"))
        #expect(serialized(HTTPResponse(status: .noContent)) == "HTTP/1.1 204 No Content\r\nDate: DATE\r\n\r\n")
    }

    @Test("CR, LF and NUL in a header value cannot inject a header or a response; bad names are dropped")
    func headerInjection() {
        var response = HTTPResponse.text("x")
        response.setHeader("Location", "/a\r\nSet-Cookie: stolen=1\r\n\r\nHTTP/1.1 200 OK")
        response.setHeader("Bad Name", "v")
        response.setHeader("X-Nul", "a\u{0}b")
        let text = serialized(response)
        #expect(!text.contains("\r\nSet-Cookie"))
        #expect(text.contains("Location: /a  Set-Cookie: stolen=1    HTTP/1.1 200 OK\r\n"))
        #expect(!text.contains("Bad Name"))
        #expect(text.contains("X-Nul: a b\r\n"))
        // Exactly one blank line: the end of the head.
        #expect(text.components(separatedBy: "\r\n\r\n").count == 2)
    }

    @Test("the cached Date header is IMF-fixdate in GMT, matching Foundation's formatter")
    func dateHeader() {
        var clock: time_t = 784_111_777
        #expect(HTTPDateCache.format(&clock) == "Sun, 06 Nov 1994 08:49:37 GMT")
        var now = time(nil)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        #expect(HTTPDateCache.format(&now) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(now))))
    }

    func route(_ router: Router, _ method: String, _ target: String) -> HTTPResponse? {
        if case .response(let response) = router.route(HTTPRequest(method: method, target: target)) { return response }
        return nil
    }

    @Test("routes match literals, :parameters (percent-decoded) and a trailing *")
    func routing() {
        var router = Router()
        router.get("/api/orders/:id") { request in .response(.text("order \(request.pathParameters["id"]!)")) }
        router.get("/assets/*") { request in .response(.text("asset \(request.pathParameters["*"]!)")) }
        #expect(route(router, "GET", "/api/orders/42?x=1")?.body == Array("order 42".utf8))
        #expect(route(router, "GET", "/api/orders/a%2Fb")?.body == Array("order a/b".utf8))
        #expect(route(router, "GET", "/assets/js/app.js")?.body == Array("asset js/app.js".utf8))
        #expect(route(router, "GET", "/api/orders")?.status == .notFound)
        #expect(route(router, "GET", "/api/orders/1/2")?.status == .notFound)
        #expect(route(router, "GET", "/api/orders/%zz")?.status == .badRequest)
    }

    @Test("a known path with the wrong method → 405 with Allow (RFC 9110 §15.5.6); HEAD rides on GET")
    func methodNotAllowed() throws {
        var router = Router()
        router.get("/things") { _ in .response(.text("list")) }
        router.post("/things") { _ in .response(.text("made")) }
        let response = try #require(route(router, "DELETE", "/things"))
        #expect(response.status == .methodNotAllowed)
        #expect(response.header("Allow") == "GET, POST, HEAD")
        #expect(String(decoding: response.body, as: UTF8.self).contains("\"code\":\"method_not_allowed\""))
        #expect(route(router, "HEAD", "/things")?.body == Array("list".utf8))
    }

    @Test("query parameters: + is space, %XX decoded, repeated names kept, malformed escapes kept literally")
    func query() {
        let query = QueryParameters("a=1+2&b=%41%42&a=3&flag&bad=%zz")
        #expect(query["a"] == "1 2")
        #expect(query.values("a") == ["1 2", "3"])
        #expect(query["b"] == "AB")
        #expect(query["flag"] == "")
        #expect(query["bad"] == "%zz")
    }

    @Test("the error shape is {\"error\":{\"code\",\"message\"}} with a JSON-escaped message")
    func errorShape() {
        let response = HTTPResponse.error(.conflict, code: "conflict", message: "version \"3\" is stale")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"error":{"code":"conflict","message":"version \"3\" is stale"}}"#)
        #expect(response.header("content-type") == "application/json")
    }
}

@Suite("JSON request bodies")
struct JSONRequestBodyTests {
    func request(_ body: String, contentType: String? = "application/json; charset=utf-8") -> HTTPRequest {
        var headers = HTTPHeaders()
        if let contentType { headers.add("Content-Type", contentType) }
        return HTTPRequest(method: "POST", target: "/x", headers: headers, body: Array(body.utf8))
    }

    func rejection(_ request: HTTPRequest) -> HTTPResponse? {
        do {
            _ = try request.jsonObject()
            return nil
        } catch {
            return error.response
        }
    }

    @Test("an object body parses, numbers kept as text")
    func parses() throws {
        let object = try request(#"{"symbol":"BTCUSDT","qty":"0.005","n":1.50}"#).jsonObject()
        #expect(object["symbol"] == "BTCUSDT")
        #expect(object["n"] == .number("1.50"))
    }

    @Test("wrong media type → 415; malformed JSON, duplicate keys, non-objects → 400 saying where")
    func refusals() {
        #expect(rejection(request("{}", contentType: "text/plain"))?.status == .unsupportedMediaType)
        #expect(rejection(request("{}", contentType: nil))?.status == .unsupportedMediaType)
        let malformed = rejection(request(#"{"a":1,}"#))
        #expect(malformed?.status == .badRequest)
        #expect(malformed.map { String(decoding: $0.body, as: UTF8.self).contains("invalid JSON at byte") } == true)
        #expect(rejection(request(#"{"a":1,"a":2}"#))?.status == .badRequest)
        #expect(rejection(request("[1]"))?.status == .badRequest)
    }
}
