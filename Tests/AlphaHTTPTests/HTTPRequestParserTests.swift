import Testing
@testable import AlphaHTTP

@Suite("HTTP/1.1 request parser (RFC 9112), on byte literals")
struct HTTPRequestParserTests {
    @Test("a simple GET parses, with headers lower-cased and query kept")
    func simpleGet() throws {
        let results = parseAll("GET /api/orders?limit=5&symbol=BTC%2DUSDT HTTP/1.1\r\nHost: x\r\nX-Trace:  abc \r\n\r\n")
        let request = try #require(requests(in: results).first)
        #expect(request.method == "GET")
        #expect(request.path == "/api/orders")
        #expect(request.query["limit"] == "5")
        #expect(request.query["symbol"] == "BTC-USDT")
        #expect(request.headers["x-trace"] == "abc")
        #expect(request.keepAlive)
        #expect(request.body.isEmpty)
    }

    @Test("every byte fed separately gives the same request (incremental state machine)")
    func byteAtATime() throws {
        let text = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n"
        var parser = HTTPRequestParser()
        var got: [HTTPRequest] = []
        for byte in text.utf8 {
            parser.append([byte])
            switch parser.next() {
            case .request(let request): got.append(request)
            case .incomplete: continue
            case .failure(let error): Issue.record("failed: \(error)"); return
            }
        }
        #expect(got.count == 1)
        #expect(got.first.map { String(decoding: $0.body, as: UTF8.self) } == "abcde")
    }

    @Test("pipelined requests come out in order, bodies and all")
    func pipelining() {
        let text = "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nPOST /2 HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcGET /3 HTTP/1.1\r\nHost: x\r\n\r\n"
        let got = requests(in: parseAll(text))
        #expect(got.map(\.target) == ["/1", "/2", "/3"])
        #expect(got[1].body == Array("abc".utf8))
    }

    @Test("keep-alive defaults: HTTP/1.1 stays open unless close; HTTP/1.0 only with keep-alive (RFC 9112 §9.3)")
    func keepAliveRules() throws {
        func keepAlive(_ text: String) throws -> Bool { try #require(requests(in: parseAll(text)).first).keepAlive }
        #expect(try keepAlive("GET / HTTP/1.1\r\nHost: x\r\n\r\n"))
        #expect(try !keepAlive("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        #expect(try !keepAlive("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, Close\r\n\r\n"))
        #expect(try !keepAlive("GET / HTTP/1.0\r\n\r\n"))
        #expect(try keepAlive("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"))
    }

    @Test("one empty line before the request line is ignored (RFC 9112 §2.2)")
    func leadingEmptyLine() {
        #expect(requests(in: parseAll("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")).count == 1)
    }

    // MARK: Framing rules that stop request smuggling

    @Test("Transfer-Encoding together with Content-Length → 400 (RFC 9112 §6.1)")
    func transferEncodingWithContentLength() {
        let error = failure(of: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        #expect(error?.status == .badRequest)
    }

    @Test("conflicting Content-Length values → 400; repeated equal values are one length (RFC 9112 §6.3)")
    func conflictingContentLength() {
        #expect(failure(of: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd")?.status == .badRequest)
        #expect(failure(of: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 4\r\n\r\nabcd")?.status == .badRequest)
        #expect(requests(in: parseAll("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc")).first?.body.count == 3)
    }

    @Test("malformed Content-Length (sign, hex, space inside, empty) → 400 (RFC 9112 §6.2)",
          arguments: ["+3", "-1", "0x3", "3 3", "", "3a", "1_0"])
    func malformedContentLength(value: String) {
        #expect(failure(of: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \(value)\r\n\r\nabc")?.status == .badRequest)
    }

    @Test("chunked not the final coding → 400 (RFC 9112 §6.3)")
    func chunkedNotLast() {
        #expect(failure(of: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n")?.status == .badRequest)
        #expect(failure(of: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n")?.status == .badRequest)
    }

    @Test("chunked twice → 400 (RFC 9112 §7.1)")
    func chunkedTwice() {
        #expect(failure(of: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n")?.status == .badRequest)
    }

    @Test("an unknown transfer coding before chunked → 501 (RFC 9112 §6.1)")
    func unknownCoding() {
        #expect(failure(of: "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")?.status == .notImplemented)
    }

    @Test("Transfer-Encoding in an HTTP/1.0 request → 400 (RFC 9112 §6.1)")
    func transferEncodingInHTTP10() {
        #expect(failure(of: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")?.status == .badRequest)
    }

    @Test("obs-fold (a header line starting with whitespace) → 400 (RFC 9112 §5.2)")
    func obsFold() {
        #expect(failure(of: "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n  continued\r\n\r\n")?.status == .badRequest)
        #expect(failure(of: "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\tcontinued\r\n\r\n")?.status == .badRequest)
    }

    @Test("whitespace between header name and colon → 400 (RFC 9112 §5.1)")
    func whitespaceBeforeColon() {
        #expect(failure(of: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length : 3\r\n\r\nabc")?.status == .badRequest)
    }

    @Test("bare CR anywhere in the head → 400 (RFC 9112 §2.2)")
    func bareCR() {
        #expect(failure(of: "GET / HTTP/1.1\r\nHost: x\rX-A: 1\r\n\r\n")?.status == .badRequest)
        #expect(failure(of: "GET /\r HTTP/1.1\r\nHost: x\r\n\r\n")?.status == .badRequest)
    }

    @Test("bare LF as a line end → 400 (RFC 9112 §2.2)")
    func bareLF() {
        #expect(failure(of: "GET / HTTP/1.1\nHost: x\n\n")?.status == .badRequest)
    }

    @Test("missing Host in HTTP/1.1 → 400; two Host headers → 400 (RFC 9112 §3.2)")
    func hostRules() {
        #expect(failure(of: "GET / HTTP/1.1\r\n\r\n")?.status == .badRequest)
        #expect(failure(of: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")?.status == .badRequest)
        #expect(failure(of: "GET / HTTP/1.0\r\n\r\n") == nil)
    }

    @Test("control bytes in a header value → 400 (RFC 9110 §5.5)")
    func controlInValue() {
        #expect(failure(of: "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u{0}b\r\n\r\n")?.status == .badRequest)
    }

    @Test("a header name that is not a token → 400 (RFC 9110 §5.1)")
    func badHeaderName() {
        #expect(failure(of: "GET / HTTP/1.1\r\nHost: x\r\nX(A): 1\r\n\r\n")?.status == .badRequest)
        #expect(failure(of: "GET / HTTP/1.1\r\nHost: x\r\n: 1\r\n\r\n")?.status == .badRequest)
        #expect(failure(of: "GET / HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n")?.status == .badRequest)
    }

    @Test("request line: extra spaces, bad method, absolute or empty target → 400; HTTP/2.0 → 505 (RFC 9112 §3)")
    func requestLineRules() {
        #expect(failure(of: "GET  / HTTP/1.1\r\nHost: x\r\n\r\n")?.status == .badRequest)
        #expect(failure(of: "GET / HTTP/1.1 \r\nHost: x\r\n\r\n")?.status == .badRequest)
        #expect(failure(of: "G(T / HTTP/1.1\r\nHost: x\r\n\r\n")?.status == .badRequest)
        #expect(failure(of: "GET x HTTP/1.1\r\nHost: x\r\n\r\n")?.status == .badRequest)
        #expect(failure(of: "GET / HTTP/2.0\r\nHost: x\r\n\r\n")?.status == .httpVersionNotSupported)
        #expect(failure(of: "GET / HTTX/1.1\r\nHost: x\r\n\r\n")?.status == .badRequest)
        #expect(failure(of: "GET / http/1.1\r\nHost: x\r\n\r\n")?.status == .badRequest)
    }

    @Test("chunk framing: no hex size, junk after size, data not followed by CRLF → 400 (RFC 9112 §7.1)")
    func chunkFraming() {
        let head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(failure(of: head + "g\r\nabc\r\n0\r\n\r\n")?.status == .badRequest)
        #expect(failure(of: head + "3 x\r\nabc\r\n0\r\n\r\n")?.status == .badRequest)
        #expect(failure(of: head + "3\r\nabcd\r\n0\r\n\r\n")?.status == .badRequest)
        #expect(failure(of: head + "-3\r\nabc\r\n0\r\n\r\n")?.status == .badRequest)
    }

    // MARK: Limits

    @Test("a request line over the limit → 414 (RFC 9110 §15.5.15), even before its end arrives")
    func requestLineLimit() {
        let limits = HTTPParserLimits(maxRequestLineBytes: 64)
        let long = "GET /" + String(repeating: "a", count: 100)
        #expect(failure(of: long + " HTTP/1.1\r\nHost: x\r\n\r\n", limits: limits)?.status == .uriTooLong)
        #expect(failure(of: long, limits: limits)?.status == .uriTooLong)
        let exact = "GET /" + String(repeating: "a", count: 64 - 14) + " HTTP/1.1"
        #expect(exact.utf8.count == 64)
        #expect(failure(of: exact + "\r\nHost: x\r\n\r\n", limits: limits) == nil)
    }

    @Test("header bytes or count over the limit → 431 (RFC 6585 §5)")
    func headerLimits() {
        let limits = HTTPParserLimits(maxHeaderBytes: 200, maxHeaderCount: 4)
        let big = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "b", count: 300) + "\r\n\r\n"
        #expect(failure(of: big, limits: limits)?.status == .requestHeaderFieldsTooLarge)
        let many = "GET / HTTP/1.1\r\nHost: x\r\n" + (1...5).map { "X-\($0): 1\r\n" }.joined() + "\r\n"
        #expect(failure(of: many, limits: limits)?.status == .requestHeaderFieldsTooLarge)
        // An endless header line is refused before it ends.
        #expect(failure(of: "GET / HTTP/1.1\r\nX: " + String(repeating: "b", count: 300), limits: limits)?.status
                == .requestHeaderFieldsTooLarge)
    }

    @Test("a body over the limit → 413, by Content-Length or while de-chunking (RFC 9110 §15.5.14)")
    func bodyLimit() {
        let limits = HTTPParserLimits(maxBodyBytes: 10)
        #expect(failure(of: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n", limits: limits)?.status == .contentTooLarge)
        #expect(failure(of: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n", limits: limits)?.status
                == .contentTooLarge)
        let chunked = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n"
        #expect(failure(of: chunked, limits: limits)?.status == .contentTooLarge)
        #expect(failure(of: "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789", limits: limits) == nil)
    }

    @Test("trailer fields count against the header limits")
    func trailerLimit() {
        let limits = HTTPParserLimits(maxHeaderBytes: 100)
        let text = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: " + String(repeating: "t", count: 200) + "\r\n\r\n"
        #expect(failure(of: text, limits: limits)?.status == .requestHeaderFieldsTooLarge)
    }

    @Test("after a failure the parser stays failed: nothing behind bad framing is ever parsed")
    func failureIsSticky() {
        var parser = HTTPRequestParser()
        parser.append(Array("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        guard case .failure = parser.next() else { Issue.record("expected a failure"); return }
        guard case .failure = parser.next() else { Issue.record("expected the failure again"); return }
    }

    @Test("Expect: 100-continue is reported once, only for a request with a body (RFC 9110 §10.1.1)")
    func expectContinue() {
        var parser = HTTPRequestParser()
        parser.append(Array("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n".utf8))
        guard case .incomplete = parser.next() else { Issue.record("expected incomplete"); return }
        let first = parser.takeContinueExpectation()
        let second = parser.takeContinueExpectation()
        #expect(first)
        #expect(!second)
        parser.append(Array("ok".utf8))
        guard case .request(let request) = parser.next() else { Issue.record("expected the request"); return }
        #expect(request.body == Array("ok".utf8))
    }
}
