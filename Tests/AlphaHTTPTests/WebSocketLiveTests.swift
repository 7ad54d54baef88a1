import AlphaHTTP
import AlphaWebSocket
import AlphaTestSupport
import Foundation
import Synchronization
import Testing

/// Records what the server side of the echo endpoint saw.
final class EchoProbe: Sendable {
    let peers = Mutex<[WebSocketPeer]>([])
    let closeCodes = Mutex<[UInt16]>([])

    var router: Router {
        var router = Router()
        router.get("/ws") { [self] request in
            WebSocketUpgrade.reply(
                to: request,
                onOpen: { peer in
                    self.peers.withLock { $0.append(peer) }
                    peer.send(text: "welcome")
                },
                onMessage: { peer, event in
                    switch event {
                    case .text(let text): peer.send(text: text)
                    case .binary(let bytes): peer.send(binary: bytes)
                    default: break
                    }
                },
                onClose: { _, code in self.closeCodes.withLock { $0.append(code) } })
        }
        return router
    }
}

@Suite("WebSocket over loopback, with our and third-party peers")
struct WebSocketLiveTests {
    func expectEcho(_ client: WebSocketClient) throws {
        #expect(try client.receive(timeoutMilliseconds: 5000) == .text("welcome"))
        for text in ["hello", "ünïcødé ✓", String(repeating: "x", count: 70_000)] {
            try client.send(text: text)
            #expect(try client.receive(timeoutMilliseconds: 5000) == .text(text))
        }
        try client.send(binary: [0, 1, 2, 255])
        #expect(try client.receive(timeoutMilliseconds: 5000) == .binary([0, 1, 2, 255]))
    }

    @Test("our client ↔ our server: echo, fragments, ping/pong, server push from another thread, close handshake")
    func ourClientOurServer() throws {
        let probe = EchoProbe()
        try withServer(handler: probe.router.handler) { server in
            let client = try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/ws")
            try expectEcho(client)
            try client.send(WebSocketFrame(fin: false, opcode: .text, payload: Array("frag".utf8)))
            try client.send(WebSocketFrame(opcode: .ping, payload: [9]))
            try client.send(WebSocketFrame(opcode: .continuation, payload: Array("mented".utf8)))
            #expect(try client.receive(timeoutMilliseconds: 5000) == .pong([9]))
            #expect(try client.receive(timeoutMilliseconds: 5000) == .text("fragmented"))
            // Server → client without a request: the handler's peer used from this test thread.
            let peer = try #require(probe.peers.withLock { $0.first })
            peer.send(text: "pushed")
            #expect(try client.receive(timeoutMilliseconds: 5000) == .text("pushed"))
            client.close(code: WebSocketCloseCode.normal, reason: "done")
            #expect(client.isClosed)
            #expect(eventually { probe.closeCodes.withLock { $0 } == [WebSocketCloseCode.normal] })
            #expect(eventually { server.connectionCount == 0 })
        }
    }

    @Test("the server closes with its code: peer.close, and 1001 on shutdown")
    func serverInitiatedClose() throws {
        let probe = EchoProbe()
        var configuration = HTTPServerConfiguration()
        configuration.eventLoops = 1
        let server = HTTPServer(configuration: configuration, handler: probe.router.handler)
        try server.start()
        let first = try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/ws")
        #expect(try first.receive(timeoutMilliseconds: 5000) == .text("welcome"))
        try #require(probe.peers.withLock { $0.first }).close(code: 4000, reason: "bye")
        #expect(try first.receive(timeoutMilliseconds: 5000) == .close(code: 4000, reason: "bye"))
        let second = try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/ws")
        #expect(try second.receive(timeoutMilliseconds: 5000) == .text("welcome"))
        server.shutdown()
        #expect(try second.receive(timeoutMilliseconds: 5000) == .close(code: WebSocketCloseCode.goingAway, reason: "server shutting down"))
    }

    @Test("handshake refusals: no Upgrade → 426, version 8 → 426 naming 13, bad key → 400 (RFC 6455 §4.2)")
    func handshakeRefusals() throws {
        try withServer(handler: EchoProbe().router.handler) { server in
            let key = WebSocketHandshake.makeClientKey()
            let cases: [(String, Int)] = [
                ("GET /ws HTTP/1.1\r\nHost: t\r\n\r\n", 426),
                ("GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: \(key)\r\n\r\n", 426),
                ("GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short\r\n\r\n", 400),
                ("GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: \(key)\r\n\r\n", 400),
            ]
            for (request, status) in cases {
                let client = try RawClient(port: server.port)
                try client.send(request)
                let response = try client.readResponse()
                #expect(response.status == status)
                if request.contains("Version: 8") { #expect(response.header("Sec-WebSocket-Version") == "13") }
            }
        }
    }

    @Test("an unmasked client frame gets close 1002 and the connection ends (RFC 6455 §5.1)")
    func unmaskedFrameRefused() throws {
        try withServer(handler: EchoProbe().router.handler) { server in
            let client = try RawClient(port: server.port)
            try client.send("GET /ws HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: \(WebSocketHandshake.makeClientKey())\r\n\r\n")
            #expect(try client.readResponse().status == 101)
            try client.send([0x81, 0x02, 0x68, 0x69])
            #expect(client.waitForClose())
            let received = client.pending
            // welcome text frame, then a close frame whose code is 1002.
            let closeStart = try #require(received.firstIndex(of: 0x88))
            #expect(Array(received[(closeStart + 2)...(closeStart + 3)]) == [0x03, 0xEA])
        }
    }

    @Test("our client ↔ Python websockets server: echo, and it answers the server's pings")
    func ourClientPythonServer() throws {
        let peer = try PythonPeer(suite: "AlphaHTTPTests", "ws_echo_server.py")
        let port = try #require(peer.readLine())
        let client = try WebSocketClient(url: "ws://127.0.0.1:\(port)/")
        try expectEcho(client)
        // The server pings every 0.2 s and drops a client that misses a pong for 1 s. Keep
        // receiving (as the bot's reader thread does) for 2 s: `receive` answers each ping.
        let until = Date().addingTimeInterval(2)
        var pings = 0
        while Date() < until {
            if case .ping = try client.receive(timeoutMilliseconds: 100) { pings += 1 }
        }
        #expect(pings >= 5)
        try client.send(text: "still here")
        var answer: WebSocketEvent?
        repeat { answer = try client.receive(timeoutMilliseconds: 5000) } while answer.map({ if case .ping = $0 { true } else { false } }) == true
        #expect(answer == .text("still here"))
        client.close()
    }

    @Test("Python websockets client ↔ our server: echo, fragments, ping, close 1000")
    func pythonClientOurServer() throws {
        try withServer(handler: EchoProbe().router.handler) { server in
            let client = try PythonPeer(suite: "AlphaHTTPTests", "ws_client.py", arguments: ["ws://127.0.0.1:\(server.port)/ws"])
            #expect(client.readLine() == "OK 1000")
            #expect(client.wait() == 0)
        }
    }
}
