import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaTestSupport
import AlphaWebSocket
import Foundation
import Testing
@testable import AlphaSim

@Suite("Simulator user-data stream")
struct UserDataStreamTests {
    func listenKey(port: UInt16, apiKey: String) throws -> String {
        let client = try RawClient(port: port)
        try client.send("POST /fapi/v1/listenKey HTTP/1.1\r\nHost: s\r\nX-MBX-APIKEY: \(apiKey)\r\nContent-Length: 0\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 200)
        guard case .string(let key)? = try JSONParser.parseObject(response.text)["listenKey"] else {
            throw RawClient.Failure(description: "no listenKey in \(response.text)")
        }
        return key
    }

    func place(_ service: SimService, _ request: NewOrderRequest) throws {
        try service.mutate { exchange, time throws(BinanceError) in ((), try exchange.place(request, time: time)) }
    }

    @Test("/stream?streams=<listenKey> wraps events as {stream, data}; a fill sends ACCOUNT_UPDATE then ORDER_TRADE_UPDATE")
    func combinedStream() throws {
        let service = SimService(configuration: .randomKeys())
        let server = HTTPServer(handler: service.router.handler)
        try server.start()
        defer { server.shutdown() }
        let key = try listenKey(port: server.port, apiKey: service.configuration.apiKey)
        // POST again returns the same key (one per account).
        #expect(try listenKey(port: server.port, apiKey: service.configuration.apiKey) == key)
        let client = try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/stream?streams=\(key)")
        #expect(eventually { service.streams.sessionCount == 1 })
        try place(service, NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .market, quantity: Amount("0.01")!, clientOrderId: "ws-1"))
        var kinds: [String] = []
        var lastOrder: JSONObject?
        while kinds.count < 3, let event = try client.receive(timeoutMilliseconds: 5000) {
            guard case .text(let text) = event else { continue }
            let wrapper = try JSONParser.parseObject(text)
            #expect(wrapper["stream"] == .string(key))
            guard case .object(let data)? = wrapper["data"], case .string(let kind)? = data["e"] else { continue }
            kinds.append(kind)
            if kind == "ORDER_TRADE_UPDATE", case .object(let order)? = data["o"] { lastOrder = order }
        }
        #expect(kinds == ["ORDER_TRADE_UPDATE", "ACCOUNT_UPDATE", "ORDER_TRADE_UPDATE"])
        #expect(lastOrder?["c"] == "ws-1")
        #expect(lastOrder?["X"] == "FILLED")
        #expect(lastOrder?["l"] == "0.010")
        // The stream's trade id and commission are the REST view's.
        let trade = try #require(service.withExchange { $0.ledger.trades.last })
        #expect(lastOrder?["t"] == .int(trade.id))
        #expect(lastOrder?["n"] == .string(trade.commission.formatted(scale: 8)))
        client.close()
    }

    @Test("raw /ws/<listenKey> gets unwrapped events; SUBSCRIBE echoes string ids; other keys hear nothing")
    func rawStream() throws {
        let service = SimService(configuration: .randomKeys())
        let server = HTTPServer(handler: service.router.handler)
        try server.start()
        defer { server.shutdown() }
        let key = try listenKey(port: server.port, apiKey: service.configuration.apiKey)
        let listener = try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/ws/\(key)")
        let stranger = try WebSocketClient(url: "ws://127.0.0.1:\(server.port)/ws/not-a-key")
        try stranger.send(text: #"{"method":"SUBSCRIBE","params":["btcusdt@markPrice"],"id":"abc-1"}"#)
        #expect(try stranger.receive(timeoutMilliseconds: 5000) == .text(#"{"result":null,"id":"abc-1"}"#))
        #expect(eventually { service.streams.sessionCount == 2 })
        try place(service, NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .limit, timeInForce: .gtc,
                                           quantity: Amount("0.01")!, price: Amount("40000")!))
        guard case .text(let text)? = try listener.receive(timeoutMilliseconds: 5000) else { Issue.record("no event"); return }
        let event = try JSONParser.parseObject(text)
        #expect(event["e"] == "ORDER_TRADE_UPDATE")
        #expect(try stranger.receive(timeoutMilliseconds: 300) == nil)
    }
}
