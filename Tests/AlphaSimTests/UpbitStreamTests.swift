import AlphaCore
import AlphaCrypto
import AlphaHTTP
import AlphaJSON
import AlphaWebSocket
import Foundation
import Testing
@testable import AlphaSim

/// The Upbit simulator's private WebSocket (issue 18): the handshake's token checked as a REST
/// request's, then `myOrder` for each change of the session's orders and `myAsset` with what moved.
@Suite("Upbit simulator: the private stream (myOrder, myAsset)")
struct UpbitStreamTests {
    static func token(_ service: UpbitSimService, secret: String? = nil) -> String {
        "Bearer " + JSONWebToken.sign([("access_key", .string(service.configuration.accessKey)), ("nonce", .string(UUID().uuidString))],
                                      algorithm: .hs512, secret: Array((secret ?? service.configuration.secretKey).utf8))
    }

    static func messages(_ client: WebSocketClient, count: Int) throws -> [JSONObject] {
        var messages: [JSONObject] = []
        let deadline = Date().addingTimeInterval(5)
        while messages.count < count, Date() < deadline {
            if case .text(let text)? = try client.receive(timeoutMilliseconds: 200), let object = try? JSONParser.parseObject(text) { messages.append(object) }
        }
        return messages
    }

    @Test("a resting bid: myOrder wait and myAsset with the KRW held; the price reaches it: myOrder trade (with the fill) and done, and myAsset with the coin")
    func ordersAndAssets() throws {
        let service = UpbitSimService(configuration: .randomKeys())
        let server = HTTPServer(handler: service.router.handler)
        try server.start()
        defer { server.shutdown() }
        var options = WebSocketClient.Options()
        options.headers = [("Authorization", Self.token(service))]
        let client = try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/websocket/v1/private", options: options)
        try client.send(text: #"[{"ticket":"test"},{"type":"myOrder","codes":["KRW-BTC"]},{"type":"myAsset"},{"format":"DEFAULT"}]"#)
        let deadline = Date().addingTimeInterval(5)
        while service.orderStreamCount == 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        #expect(service.orderStreamCount == 1)

        let order = try service.withExchangeThrowing { exchange throws(UpbitAPIError) in
            try exchange.place(.init(market: "KRW-BTC", side: .bid, kind: .limit, price: Amount(139_000_000), volume: Amount("0.001")!, identifier: "s1"), time: 1)
        }
        service.publishChanges()
        let placed = try Self.messages(client, count: 2)
        #expect(placed.map { "\($0["type"]?.stringValue ?? "") \($0["state"]?.stringValue ?? "")" } == ["myOrder wait", "myAsset "])
        #expect(placed.first?["uuid"] == .string(order.uuid) && placed.first?["identifier"] == "s1" && placed.first?["locked"] == .number("139069.5"))

        service.setPrice(Amount(138_000_000), market: "KRW-BTC")
        let filled = try Self.messages(client, count: 3)
        #expect(filled.map { "\($0["type"]?.stringValue ?? "") \($0["state"]?.stringValue ?? "")" } == ["myOrder trade", "myOrder done", "myAsset "])
        #expect(filled.first?["trade_price"] == .number("139000000") && filled.first?["trade_fee"] == .number("69.5"))
        guard case .array(let assets)? = filled.last?["assets"] else { Issue.record("no assets"); return }
        #expect(assets.contains(.object(["currency": "BTC", "balance": .number("0.001"), "locked": .number("0")])))
    }

    @Test("a handshake with a token signed by another secret is refused with Upbit's 401, before any upgrade")
    func refusedHandshake() throws {
        let service = UpbitSimService(configuration: .randomKeys())
        let server = HTTPServer(handler: service.router.handler)
        try server.start()
        defer { server.shutdown() }
        var options = WebSocketClient.Options()
        options.headers = [("Authorization", Self.token(service, secret: "not-the-secret"))]
        #expect(throws: WebSocketClientError.self) { _ = try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/websocket/v1/private", options: options) }
        #expect(service.streamSessionCount == 0)
    }
}

private extension JSONValue {
    var stringValue: String? { if case .string(let text) = self { text } else { nil } }
}
