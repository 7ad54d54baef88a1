import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaTestSupport
import AlphaWeb
import Foundation
import Testing

/// Reads `text/event-stream` frames from a raw socket.
final class StreamReader {
    let client: RawClient
    private var text = ""

    init(port: UInt16, token: String, lastEventID: Int64? = nil, query: String = "") throws {
        client = try RawClient(port: port, timeoutSeconds: 5)
        var head = "GET /api/stream\(query) HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n"
        if let lastEventID { head += "Last-Event-ID: \(lastEventID)\r\n" }
        try client.send(head + "\r\n")
    }

    /// Event ids (seqs) and types until `count` events arrived or the stream went quiet.
    func events(_ count: Int) -> [(id: Int64, type: String)] {
        var found: [(Int64, String)] = []
        while true {
            found = Self.parse(text)
            if found.count >= count { return found }
            guard client.fill() else { return found }
            text += client.take()
        }
    }

    static func parse(_ text: String) -> [(Int64, String)] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var id: Int64?, type: String?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = Int64(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { type = String(line.dropFirst(7)) }
            }
            guard let id, let type else { return nil }
            return (id, type)
        }
    }
}

@Suite("SSE /api/stream: live events, Last-Event-ID resume, filters")
struct WebStreamTests {
    @Test("disconnect, events committed meanwhile, reconnect with Last-Event-ID: every event once, in order")
    func resume() throws {
        let world = try WebWorld()
        let token = world.viewerToken
        var written: [Int64] = []
        let first = try StreamReader(port: world.port, token: token)
        #expect(eventually { world.app.subscriberCount == 1 })
        for index in 0..<5 { written.append(try world.appendEngineEvent("live \(index)")) }
        let live = first.events(5)
        #expect(live.map(\.id) == written)
        let lastSeen = live.last!.id
        first.client.closeNow()
        #expect(eventually { world.app.subscriberCount == 0 })

        for index in 0..<20 { written.append(try world.appendEngineEvent("while away \(index)")) }
        let second = try StreamReader(port: world.port, token: token, lastEventID: lastSeen)
        // Events committed while the replay is being read and the subscription made still arrive once.
        let writer = Thread { for index in 0..<30 { _ = try? world.appendEngineEvent("racing \(index)"); usleep(300) } }
        writer.start()
        let expected = 20 + 30
        let resumed = second.events(expected)
        let all = try world.call("GET", "/api/events?limit=1000&after=\(lastSeen)", token: token)
        let stored = WebReadTests.seqs(all, "events")
        #expect(stored.count == expected)
        #expect(resumed.map(\.id) == stored, "each event exactly once, in seq order")
        #expect(resumed.allSatisfy { $0.type == "EnginePaused" })
    }

    @Test("a type filter sends only those types, live and replayed; a bad Last-Event-ID is a 400")
    func filters() throws {
        let world = try WebWorld()
        let resumedSeq = try world.appendEngineEvent("a", type: .engineResumed)
        _ = try world.appendEngineEvent("b", type: .enginePaused)
        let reader = try StreamReader(port: world.port, token: world.viewerToken, lastEventID: 0, query: "?type=EngineResumed")
        #expect(eventually { world.app.subscriberCount == 1 })
        let liveSeq = try world.appendEngineEvent("c", type: .engineResumed)
        _ = try world.appendEngineEvent("d", type: .enginePaused)
        let marker = try world.appendEngineEvent("e", type: .engineResumed)
        let events = reader.events(3)
        #expect(events.map(\.id) == [resumedSeq, liveSeq, marker])
        let bad = try world.call("GET", "/api/stream", token: world.viewerToken, headers: [("Last-Event-ID", "abc")])
        #expect(bad.status == 400 && bad.text.contains("Last-Event-ID"))
        #expect(try world.call("GET", "/api/stream?type=Nope", token: world.viewerToken).status == 400)
        #expect(try world.call("GET", "/api/stream").status == 401)
    }
}

@Suite("SSE after a restart and when credentials end")
struct WebStreamLifetimeTests {
    @Test("a web process started over 1 200 events: a client resuming from 0 gets all of them, across one reconnect")
    func resumeFromBeforeStart() throws {
        let world = try WebWorld()
        var written: [Int64] = []
        for index in 0..<1_200 { written.append(try world.appendEngineEvent("before \(index)")) }
        let restarted = try WebApp(settings: WebSettings(databasePath: world.database.path, mode: .sim, openAPIDocument: []),
                                   secret: WebWorld.secret)
        try restarted.start()
        defer { restarted.stop() }
        // The first connection replays 1 000 (the cap) and is closed: the rest is not in the
        // new process's ring, so staying open would skip it.
        let first = try StreamReader(port: restarted.port, token: world.viewerToken, lastEventID: 0)
        let firstBatch = first.events(1_200)
        #expect(firstBatch.map(\.id) == Array(written.prefix(1_000)))
        let second = try StreamReader(port: restarted.port, token: world.viewerToken, lastEventID: firstBatch.last?.id ?? 0)
        #expect(eventually { restarted.subscriberCount == 1 })
        let live = try world.appendEngineEvent("after the restart")
        #expect(second.events(201).map(\.id) == Array(written.suffix(200)) + [live])
    }

    @Test("signing out ends that token's open stream; revoking an API token ends its stream")
    func revocationEndsStreams() throws {
        let world = try WebWorld()
        let token = world.adminToken
        let stream = try StreamReader(port: world.port, token: token)
        #expect(eventually { world.app.subscriberCount == 1 })
        #expect(try world.call("POST", "/api/auth/logout", token: token).status == 204)
        #expect(stream.client.waitForClose())

        let admin = world.token(try world.login("ana", WebWorld.adminPassword))  // a new session: the first is signed out
        let created = try world.call("POST", "/api/tokens", token: admin, body: #"{"name":"grafana"}"#)
        guard case .string(let apiToken)? = created.json["token"], case .object(let info)? = created.json["apiToken"],
              case .string(let id)? = info["id"] else { Issue.record("\(created.text)"); return }
        let tokenStream = try StreamReader(port: world.port, token: apiToken)
        #expect(eventually { world.app.subscriberCount == 1 })
        #expect(try world.call("DELETE", "/api/tokens/\(id)", token: admin).status == 204)
        #expect(tokenStream.client.waitForClose())
    }

    @Test("a stream ends when the access token that opened it expires")
    func expiry() throws {
        let world = try WebWorld { $0.tokenLifetimeSeconds = 2 }
        let stream = try StreamReader(port: world.port, token: world.viewerToken)
        #expect(eventually { world.app.subscriberCount == 1 })
        #expect(stream.client.waitForClose(), "closed within the client's 5 s read timeout")
        #expect(try world.call("GET", "/api/stream", token: world.viewerToken).status == 401)
    }
}

@Suite("EventStreamHub's retained ring")
struct EventStreamHubRingTests {
    @Test("subscribing after a sequence the ring no longer holds is refused, so the client replays from the log")
    func gap() {
        let hub = EventStreamHub(retained: 4)
        for seq in 1...10 { hub.publish(ServerSentEvent(id: "\(seq)", data: "x"), sequence: Int64(seq)) }
        #expect(hub.canResume(after: 6), "7…10 are held")
        #expect(!hub.canResume(after: 5), "6 has left the ring")
    }
}
