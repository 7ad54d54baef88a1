import AlphaHTTP
import AlphaTestSupport
import Foundation
import Testing

@Suite("Server-sent events")
struct EventStreamTests {
    @Test("fields: retry, id, event, and multi-line data split on LF, CR and CRLF")
    func encoding() {
        let event = ServerSentEvent(id: "42", event: "order", data: "line1\nline2\r\nline3\rline4", retry: 2000)
        #expect(String(decoding: event.encoded, as: UTF8.self)
                == "retry: 2000\nid: 42\nevent: order\ndata: line1\ndata: line2\ndata: line3\ndata: line4\n\n")
        #expect(String(decoding: ServerSentEvent(data: "").encoded, as: UTF8.self) == "data: \n\n")
    }

    @Test("a line break in id or event cannot start a new field")
    func fieldInjection() {
        let event = ServerSentEvent(id: "1\ndata: forged", event: "x\r\nid: 9", data: "ok")
        #expect(String(decoding: event.encoded, as: UTF8.self) == "id: 1\nevent: x\ndata: ok\n\n")
        #expect(String(decoding: ServerSentEvent.comment("a\nb"), as: UTF8.self) == ": a\n\n")
    }

    func streamRouter(_ hub: EventStreamHub) -> Router {
        var router = Router()
        router.get("/events") { request in
            let replay = request.headers["last-event-id"].map { [ServerSentEvent(id: $0, event: "replayed", data: "after \($0)")] } ?? []
            return .eventStream(EventStreamSource(initialEvents: replay, hub: hub, retryMilliseconds: 1500))
        }
        return router
    }

    @Test("a live stream: head, retry, replay, published events in order, keepalive comments")
    func liveStream() throws {
        let hub = EventStreamHub()
        try withServer({ $0.eventStreamKeepaliveMilliseconds = 200 }, handler: streamRouter(hub).handler) { server in
            let client = try RawClient(port: server.port)
            try client.send("GET /events HTTP/1.1\r\nHost: t\r\nLast-Event-ID: 7\r\n\r\n")
            #expect(client.read(until: "data: after 7\n\n"))
            let head = client.take()
            #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(head.contains("Content-Type: text/event-stream; charset=utf-8\r\n"))
            #expect(head.contains("Cache-Control: no-cache\r\n"))
            #expect(!head.contains("Content-Length"))
            #expect(head.contains("retry: 1500\n\nid: 7\nevent: replayed\ndata: after 7\n\n"))
            #expect(eventually { hub.subscriberCount == 1 })
            for index in 1...3 { hub.publish(ServerSentEvent(id: "\(index)", data: "e\(index)")) }
            #expect(client.read(until: "id: 3\ndata: e3\n\n"))
            let events = client.take()
            #expect(events.contains("id: 1\ndata: e1\n\nid: 2\ndata: e2\n\nid: 3\ndata: e3\n\n"))
            #expect(client.read(until: ": keepalive\n\n"))
        }
    }

    @Test("a subscriber that does not read is dropped instead of growing memory")
    func slowConsumerDropped() throws {
        let hub = EventStreamHub()
        try withServer({
            $0.eventStreamQueueLimit = 8
            $0.maxPendingOutputBytes = 256 * 1024
        }, handler: streamRouter(hub).handler) { server in
            let client = try RawClient(port: server.port)
            var small: Int32 = 4096
            setsockopt(client.descriptor, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
            try client.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(eventually { hub.subscriberCount == 1 })
            let payload = String(repeating: "x", count: 16 * 1024)
            // The client never reads; the server must give up on it, not buffer forever.
            let deadline = Date().addingTimeInterval(10)
            while hub.subscriberCount > 0 && Date() < deadline {
                for _ in 0..<20 { hub.publish(ServerSentEvent(data: payload)) }
                usleep(10_000)
            }
            let dropped = hub.subscriberCount == 0
            #expect(dropped)
            #expect(eventually { server.connectionCount == 0 })
        }
    }

    @Test("shutdown closes open streams and unsubscribes them")
    func shutdownClosesStreams() throws {
        let hub = EventStreamHub()
        var configuration = HTTPServerConfiguration()
        configuration.eventLoops = 1
        let server = HTTPServer(configuration: configuration, handler: streamRouter(hub).handler)
        try server.start()
        let client = try RawClient(port: server.port)
        try client.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(eventually { hub.subscriberCount == 1 })
        server.shutdown()
        #expect(client.waitForClose())
        #expect(hub.subscriberCount == 0)
    }
}

@Suite("Event streams free their connections")
struct EventStreamLifetimeTests {
    func streamRouter(_ hub: EventStreamHub, tag: String? = nil, lifetime: Int? = nil) -> Router {
        var router = Router()
        router.get("/events") { _ in
            var source = EventStreamSource(hub: hub)
            source.tag = tag
            source.lifetimeMilliseconds = lifetime
            return .eventStream(source)
        }
        return router
    }

    @Test("a client that goes away, or a stream the server ends, leaves no connection object behind")
    func noLeak() throws {
        let hub = EventStreamHub()
        try withServer({ _ in }, handler: streamRouter(hub, tag: "session").handler) { server in
            for _ in 0..<3 {
                let client = try RawClient(port: server.port)
                try client.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(client.read(until: "\r\n\r\n"))
                #expect(eventually { hub.subscriberCount == 1 })
                client.closeNow()
                #expect(eventually { hub.subscriberCount == 0 })
            }
            // Closed by the server: the path a subscriber dropped as too slow takes too.
            let ended = try RawClient(port: server.port)
            try ended.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(eventually { hub.subscriberCount == 1 })
            hub.end(tag: "session")
            #expect(ended.waitForClose())
            #expect(eventually { hub.subscriberCount == 0 })
            #expect(eventually { server.connectionCount == 0 })
            #expect(eventually { server.connectionObjectCount == 0 }, "closed streams must not keep their connections alive")
        }
    }

    @Test("a stream ends when its lifetime runs out, or when its tag is ended")
    func endings() throws {
        let hub = EventStreamHub()
        try withServer({ _ in }, handler: streamRouter(hub, tag: "token-1").handler) { server in
            let client = try RawClient(port: server.port)
            try client.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(eventually { hub.subscriberCount == 1 })
            hub.end(tag: "other")
            usleep(100_000)
            #expect(hub.subscriberCount == 1, "other tags are left alone")
            hub.end(tag: "token-1")
            #expect(client.waitForClose())
        }
        try withServer({ _ in }, handler: streamRouter(hub, lifetime: 300).handler) { server in
            let client = try RawClient(port: server.port)
            try client.send("GET /events HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(eventually { hub.subscriberCount == 1 })
            #expect(client.waitForClose())
            #expect(eventually { hub.subscriberCount == 0 })
        }
    }
}
