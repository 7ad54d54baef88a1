import AlphaHTTP
import AlphaTestSupport
import Foundation
import Testing

@Suite("HTTP server over loopback")
struct HTTPServerLiveTests {
    @Test("keep-alive: 100 requests on one connection, each answered; no 40 ms delayed-ACK stall per request")
    func keepAlive() throws {
        try withServer(handler: testRouter().handler) { server in
            let client = try RawClient(port: server.port)
            let started = Date()
            for index in 0..<100 {
                // Head and body in two writes, as many clients send them: with a split response
                // or without TCP_NODELAY this pattern meets Nagle + delayed ACK (~40 ms each).
                try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\n")
                try client.send(String(format: "%04d", index))
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.text == String(format: "%04d", index))
            }
            // 100 stalls would take ≥ 4 s; a working server needs a few ms. The bound is 20× loose
            // on purpose (a shared machine), and still fails on the stall it exists to catch.
            #expect(Date().timeIntervalSince(started) < 2.0)
            #expect(server.connectionCount == 1)
        }
    }

    @Test("pipelined requests are answered in order, even when an earlier one waits for a worker")
    func pipelining() throws {
        try withServer(handler: testRouter().handler) { server in
            let client = try RawClient(port: server.port)
            try client.send("GET /slow?ms=150 HTTP/1.1\r\nHost: t\r\n\r\nGET /path/a%20b HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nokGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let bodies = try (0..<4).map { _ in try client.readResponse().text }
            #expect(bodies == ["slow 150", "path=a b", "ok", "hello"])
        }
    }

    @Test("HEAD gets GET's headers and Content-Length but no body (RFC 9110 §9.3.2)")
    func head() throws {
        try withServer(handler: testRouter().handler) { server in
            let client = try RawClient(port: server.port)
            try client.send("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try client.readResponse(headRequest: true)
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "5")
            // The next response starts right where the head ended: no body bytes were sent.
            #expect(try client.readResponse().text == "hello")
        }
    }

    @Test("Connection: close is honoured, and HTTP/1.0 closes by default")
    func connectionClose() throws {
        try withServer(handler: testRouter().handler) { server in
            let client = try RawClient(port: server.port)
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(try client.readResponse().header("Connection") == "close")
            #expect(client.waitForClose())
            let old = try RawClient(port: server.port)
            try old.send("GET /hello HTTP/1.0\r\n\r\n")
            #expect(try old.readResponse().text == "hello")
            #expect(old.waitForClose())
        }
    }

    @Test("limits over a real socket: 414, 431, 413, each with the error shape and a close")
    func limits() throws {
        try withServer({ $0.limits = HTTPParserLimits(maxRequestLineBytes: 100, maxHeaderBytes: 300, maxHeaderCount: 8, maxBodyBytes: 64) },
                       handler: testRouter().handler) { server in
            let cases: [(String, Int, String)] = [
                ("GET /" + String(repeating: "a", count: 200) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414, "uri_too_long"),
                ("GET / HTTP/1.1\r\nHost: t\r\nX: " + String(repeating: "b", count: 400) + "\r\n\r\n", 431, "header_fields_too_large"),
                ("GET / HTTP/1.1\r\nHost: t\r\n" + (0..<9).map { "X-\($0): 1\r\n" }.joined() + "\r\n", 431, "header_fields_too_large"),
                ("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 65\r\n\r\n" + String(repeating: "c", count: 65), 413, "content_too_large"),
            ]
            for (request, status, code) in cases {
                let client = try RawClient(port: server.port)
                try client.send(request)
                let response = try client.readResponse()
                #expect(response.status == status)
                #expect(response.text.contains("\"code\":\"\(code)\""))
                #expect(response.header("Connection") == "close")
                #expect(client.waitForClose())
            }
        }
    }

    @Test("smuggling attempts over a real socket get 400 and the connection closes before the smuggled request")
    func smuggling() throws {
        try withServer(handler: testRouter().handler) { server in
            let client = try RawClient(port: server.port)
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 400)
            #expect(client.waitForClose())
            #expect(!String(decoding: client.pending, as: UTF8.self).contains("hello"))
        }
    }

    @Test("a drip-fed request head is cut off at the head deadline with 408 (slow-loris)")
    func dripFedHead() throws {
        try withServer({ $0.headTimeoutMilliseconds = 300 }, handler: testRouter().handler) { server in
            let client = try RawClient(port: server.port)
            let started = Date()
            var cutOff = false
            for byte in "GET /hello HTTP/1.1\r\nHost: t\r\nX-Slow: ".utf8 + Array(repeating: UInt8(ascii: "z"), count: 200) {
                do { try client.send([byte]) } catch { cutOff = true; break }
                usleep(20_000)
                if Date().timeIntervalSince(started) > 3 { break }
            }
            let response = try client.readResponse()
            #expect(response.status == 408)
            #expect(client.waitForClose())
            #expect(cutOff || Date().timeIntervalSince(started) < 3)
        }
    }

    @Test("a body that stops arriving is cut off at the body deadline")
    func stalledBody() throws {
        try withServer({ $0.bodyTimeoutMilliseconds = 300 }, handler: testRouter().handler) { server in
            let client = try RawClient(port: server.port)
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly part")
            #expect(try client.readResponse().status == 408)
            #expect(client.waitForClose())
        }
    }

    @Test("an idle keep-alive connection is closed after the idle timeout")
    func idleTimeout() throws {
        try withServer({ $0.idleTimeoutMilliseconds = 300 }, handler: testRouter().handler) { server in
            let client = try RawClient(port: server.port)
            try client.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().status == 200)
            #expect(client.waitForClose())
            #expect(eventually { server.connectionCount == 0 })
        }
    }

    @Test("a client that never reads is dropped at the write deadline")
    func writeTimeout() throws {
        var router = Router()
        let big = [UInt8](repeating: 0x61, count: 8 << 20)
        router.get("/big") { _ in .response(HTTPResponse(body: big)) }
        try withServer({ $0.writeTimeoutMilliseconds = 300 }, handler: router.handler) { server in
            var receiveBuffer: Int32 = 4096
            let client = try RawClient(port: server.port)
            setsockopt(client.descriptor, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, socklen_t(MemoryLayout<Int32>.size))
            try client.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(eventually { server.connectionCount == 0 })
        }
    }

    @Test("connections past the cap are closed at once; the others keep working")
    func connectionCap() throws {
        try withServer({ $0.maxConnections = 2 }, handler: testRouter().handler) { server in
            let first = try RawClient(port: server.port)
            let second = try RawClient(port: server.port)
            try first.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            try second.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = try first.readResponse()
            _ = try second.readResponse()
            let third = try RawClient(port: server.port)
            #expect(third.waitForClose())
            try first.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try first.readResponse().text == "hello")
        }
    }

    @Test("Expect: 100-continue gets an interim 100 before the body is sent")
    func expectContinue() throws {
        try withServer(handler: testRouter().handler) { server in
            let client = try RawClient(port: server.port)
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n")
            #expect(client.read(until: "HTTP/1.1 100 Continue\r\n\r\n"))
            _ = client.take()
            try client.send("abc")
            #expect(try client.readResponse().text == "abc")
        }
    }

    @Test("a chunked request body is de-chunked")
    func chunkedBody() throws {
        try withServer(handler: testRouter().handler) { server in
            let client = try RawClient(port: server.port)
            try client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n")
            #expect(try client.readResponse().text == "Wikipedia")
        }
    }

    @Test("shutdown finishes an in-flight request, answers it with Connection: close, then stops")
    func gracefulShutdown() throws {
        var configuration = HTTPServerConfiguration()
        configuration.eventLoops = 1
        let server = HTTPServer(configuration: configuration, handler: testRouter().handler)
        try server.start()
        let client = try RawClient(port: server.port)
        try client.send("GET /slow?ms=300 HTTP/1.1\r\nHost: t\r\n\r\n")
        usleep(50_000)
        let stopped = DispatchSemaphore(value: 0)
        Thread { server.shutdown(); stopped.signal() }.start()
        let response = try client.readResponse()
        #expect(response.text == "slow 300")
        #expect(response.header("Connection") == "close")
        #expect(stopped.wait(timeout: .now() + 5) == .success)
        #expect((try? RawClient(port: server.port)) == nil)
    }
}
