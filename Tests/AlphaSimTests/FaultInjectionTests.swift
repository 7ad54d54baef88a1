import AlphaCore
import AlphaJSON
import AlphaTestSupport
import AlphaWebSocket
import Foundation
import Testing
@testable import AlphaSim

@Suite("Simulator fault injection (control API)")
struct FaultInjectionTests {
    @Test("the control API wants its token and says what was wrong")
    func controlAuth() throws {
        let sim = try SimHarness()
        let client = try RawClient(port: sim.port)
        try client.send("GET /sim/v1/ledger HTTP/1.1\r\nHost: s\r\n\r\n")
        #expect(try client.readResponse().status == 401)
        let bad = try sim.control("POST", "faults", #"{"fault":"meteor"}"#)
        #expect(bad.status == 400)
        #expect(bad.text.contains("unknown fault meteor"))
    }

    @Test("http_5xx: the next order gets 503 Service Unavailable and is not executed; the one after works")
    func serverErrors() throws {
        let sim = try SimHarness()
        try sim.control("POST", "faults", #"{"fault":"http_5xx","path":"/fapi/v1/order","status":503,"count":1}"#)
        let failed = try sim.marketBuy("f-1")
        #expect(failed.status == 503)
        #expect(failed.json["msg"] == "Service Unavailable.")
        #expect(sim.service.withExchange { $0.orders.isEmpty })
        #expect(try sim.marketBuy("f-2").status == 200)
    }

    @Test("unknown_after_execute: 503 'Unknown error' but the order exists and is FILLED when queried by client id")
    func unknownAfterExecute() throws {
        let sim = try SimHarness()
        try sim.control("POST", "faults", #"{"fault":"unknown_after_execute"}"#)
        let answer = try sim.marketBuy("u-1")
        #expect(answer.status == 503)
        #expect(answer.json["msg"] == "Unknown error, please check your request or try again later.")
        let query = try sim.signed("GET", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("origClientOrderId", "u-1")])
        #expect(query.json["status"] == "FILLED")
    }

    @Test("hang: the order executes but the answer comes after the client gave up")
    func hang() throws {
        let sim = try SimHarness()
        try sim.control("POST", "faults", #"{"fault":"hang","milliseconds":2500}"#)
        #expect(throws: RawClient.Failure.self) { try sim.marketBuy("h-1", readTimeout: 1) }
        #expect(sim.service.withExchange { $0.orders.values.first?.clientOrderId } == "h-1")
    }

    @Test("rate_limit: 429 with Retry-After, and persisting turns it into a 418 ban")
    func rateLimit() throws {
        let sim = try SimHarness()
        try sim.control("POST", "faults", #"{"fault":"rate_limit","seconds":30}"#)
        let limited = try sim.signed("GET", "/fapi/v2/balance", [])
        #expect(limited.status == 429)
        #expect(limited.json["code"] == .int(-1003))
        #expect(Int(limited.header("Retry-After") ?? "") ?? 0 >= 29)
        #expect(try sim.signed("GET", "/fapi/v2/balance", []).status == 418)
        try sim.control("DELETE", "faults")
        let healthy = try sim.signed("GET", "/fapi/v2/balance", [])
        #expect(healthy.status == 200)
        #expect(healthy.header("X-MBX-USED-WEIGHT-1M") != nil)
    }

    @Test("ban: 418 with Retry-After for its length")
    func ban() throws {
        let sim = try SimHarness()
        try sim.control("POST", "faults", #"{"fault":"ban","seconds":120}"#)
        let banned = try sim.signed("GET", "/fapi/v1/openOrders", [])
        #expect(banned.status == 418)
        #expect(Int(banned.header("Retry-After") ?? "") ?? 0 > 100)
    }

    @Test("clock_skew: a correct client timestamp is now outside recvWindow (-1021)")
    func clockSkew() throws {
        let sim = try SimHarness()
        #expect(try sim.signed("GET", "/fapi/v2/balance", []).status == 200)
        try sim.control("POST", "faults", #"{"fault":"clock_skew","milliseconds":10000}"#)
        let skewed = try sim.signed("GET", "/fapi/v2/balance", [])
        #expect(skewed.json["code"] == .int(-1021))
        let time = try JSONParser.parseObject(try sim.apiKeyRequest("GET", "/fapi/v1/time").text)
        guard case .number(let text)? = time["serverTime"], let serverTime = Int64(text) else { Issue.record("no serverTime"); return }
        #expect(serverTime - Timestamp.now().millisecondsSinceEpoch > 9000)
    }

    func userStream(_ sim: SimHarness) throws -> WebSocketClient {
        let client = try WebSocketClient(url: "ws://127.0.0.1:\(sim.port)/ws/\(try sim.listenKey())")
        #expect(eventually { sim.service.streams.sessionCount == 1 })
        return client
    }

    func eventKinds(_ client: WebSocketClient, count: Int, timeout: Int = 3000) throws -> [String] {
        var kinds: [String] = []
        while kinds.count < count, case .text(let text)? = try client.receive(timeoutMilliseconds: timeout) {
            let event = try JSONParser.parseObject(text)
            if case .string(let kind)? = event["e"] {
                if kind == "ORDER_TRADE_UPDATE", case .object(let order)? = event["o"], case .string(let status)? = order["X"] {
                    kinds.append("\(kind):\(status)")
                } else {
                    kinds.append(kind)
                }
            }
        }
        return kinds
    }

    @Test("drop_events: the next user-data event never arrives; later ones do")
    func dropEvents() throws {
        let sim = try SimHarness()
        let stream = try userStream(sim)
        try sim.control("POST", "faults", #"{"fault":"drop_events","count":1}"#)
        _ = try sim.marketBuy("d-1")
        #expect(try eventKinds(stream, count: 3, timeout: 500) == ["ACCOUNT_UPDATE", "ORDER_TRADE_UPDATE:FILLED"])
    }

    @Test("reorder_events: a change's events arrive last-first (FILLED before NEW)")
    func reorderEvents() throws {
        let sim = try SimHarness()
        let stream = try userStream(sim)
        try sim.control("POST", "faults", #"{"fault":"reorder_events"}"#)
        _ = try sim.marketBuy("r-1")
        #expect(try eventKinds(stream, count: 3) == ["ORDER_TRADE_UPDATE:FILLED", "ACCOUNT_UPDATE", "ORDER_TRADE_UPDATE:NEW"])
    }

    @Test("delay_events: events arrive only after the delay")
    func delayEvents() throws {
        let sim = try SimHarness()
        let stream = try userStream(sim)
        try sim.control("POST", "faults", #"{"fault":"delay_events","milliseconds":1500}"#)
        _ = try sim.marketBuy("l-1")
        #expect(try stream.receive(timeoutMilliseconds: 300) == nil)
        #expect(try eventKinds(stream, count: 3, timeout: 5000).count == 3)
    }

    @Test("streams/drop cuts user-data sockets without a close frame")
    func dropStreams() throws {
        let sim = try SimHarness()
        let stream = try userStream(sim)
        #expect(try sim.control("POST", "streams/drop").json["dropped"] == .int(1))
        do {
            _ = try stream.receive(timeoutMilliseconds: 3000)
            Issue.record("the stream still answered")
        } catch {
            guard case .connectionLost = error else { Issue.record("expected connectionLost, got \(error)"); return }
        }
    }

    @Test("listenKey/expire: listenKeyExpired on the stream, then PUT answers -1125")
    func expireListenKey() throws {
        let sim = try SimHarness()
        let stream = try userStream(sim)
        try sim.control("POST", "listenKey/expire")
        #expect(try eventKinds(stream, count: 1) == ["listenKeyExpired"])
        #expect(try sim.apiKeyRequest("PUT", "/fapi/v1/listenKey").json["code"] == .int(-1125))
    }

    @Test("outside activity: a deposit and a funding payment move the wallet and stream ACCOUNT_UPDATE; the ledger shows it all")
    func outsideActivity() throws {
        let sim = try SimHarness()
        let stream = try userStream(sim)
        try sim.control("POST", "deposit", #"{"amount":"250.5"}"#)
        _ = try sim.marketBuy("o-1")
        try sim.control("POST", "funding", #"{"rate":"0.0001"}"#)
        #expect(try eventKinds(stream, count: 5) == ["ACCOUNT_UPDATE", "ORDER_TRADE_UPDATE:NEW", "ACCOUNT_UPDATE",
                                                     "ORDER_TRADE_UPDATE:FILLED", "ACCOUNT_UPDATE"])
        let ledger = try sim.control("GET", "ledger").json
        // 10000 + 250.5 − 0.25 fee − 0.05 funding (0.01 × 50000 × 0.0001)
        #expect(ledger["walletBalance"] == "10250.2")
        guard case .array(let income)? = ledger["income"] else { Issue.record("no income"); return }
        #expect(income.count == 3)
    }
}

@Suite("Simulator fault schedule and connection upkeep")
struct FaultScheduleTests {
    /// The statuses of 40 orders under a seeded schedule of 5xx and execute-then-503.
    func pattern(seed: Int) throws -> [Int] {
        let sim = try SimHarness()
        try sim.control("POST", "faults", #"{"fault":"schedule","seed":\#(seed),"probability":"0.3","kinds":["http_5xx","unknown_after_execute"]}"#)
        return try (0..<40).map { index in try sim.marketBuy("s-\(index)", quantity: "0.002").status }
    }

    @Test("the same seed and traffic give the same faults; another seed others")
    func reproducible() throws {
        let first = try pattern(seed: 11)
        #expect(first == (try pattern(seed: 11)))
        #expect(first != (try pattern(seed: 12)))
        #expect(first.contains(503) && first.contains(200))
    }

    @Test("a fault that cannot be scheduled is refused with the list of those that can")
    func unschedulable() throws {
        let sim = try SimHarness()
        let refused = try sim.control("POST", "faults", #"{"fault":"schedule","seed":1,"probability":"0.5","kinds":["ban"]}"#)
        #expect(refused.status == 400)
        #expect(refused.text.contains("cannot be scheduled"))
    }

    @Test("stream upkeep: due sessions are pinged; sessions past their lifetime are closed")
    func upkeep() throws {
        let sim = try SimHarness()
        let client = try WebSocketClient(url: "ws://127.0.0.1:\(sim.port)/ws/btcusdt@markPrice")
        #expect(eventually { sim.service.streams.sessionCount == 1 })
        let now = sim.service.now()
        #expect(sim.service.streams.maintain(now: now + StreamHub.pingInterval).pinged == 1)
        #expect(try client.receive(timeoutMilliseconds: 3000) == .ping([]))
        #expect(sim.service.streams.maintain(now: now + StreamHub.lifetime).closed == 1)
        #expect(try client.receive(timeoutMilliseconds: 3000) == .close(code: 1000, reason: "connection lifetime reached"))
    }
}

@Suite("Simulator rate limits (not faults: Binance's own limits, set low)")
struct RateLimitTests {
    /// Waits until the clock is at least `margin` ms from the next window boundary, so a burst
    /// of requests falls inside one window.
    func startOfWindow(_ sim: SimHarness, period: Int64, margin: Int64) {
        while period - sim.service.now() % period < margin { usleep(50_000) }
    }

    @Test("request weight over the minute's limit → 429 -1003 with Retry-After; persisting → 418")
    func weight() throws {
        let sim = try SimHarness {
            $0.weightPerMinute = 10
            $0.violationsBeforeBan = 2
        }
        startOfWindow(sim, period: 60_000, margin: 3000)
        var statuses: [Int] = []
        var retryAfter: String?
        for _ in 0..<14 {
            let response = try sim.apiKeyRequest("GET", "/fapi/v1/ping")
            statuses.append(response.status)
            if response.status == 429 { retryAfter = response.header("Retry-After") }
        }
        #expect(statuses == Array(repeating: 200, count: 10) + [429, 429, 418, 418])
        #expect(Int(retryAfter ?? "") ?? 0 > 0)
    }

    @Test("orders over the 10-second limit → 429 -1015, with the order counts in the headers")
    func orders() throws {
        let sim = try SimHarness { $0.ordersPerTenSeconds = 3 }
        startOfWindow(sim, period: 10_000, margin: 2000)
        var codes: [Int] = []
        var lastCount: String?
        for index in 0..<4 {
            let response = try sim.marketBuy("rl-\(index)", quantity: "0.002")
            codes.append(response.status)
            if response.status == 200 { lastCount = response.header("X-MBX-ORDER-COUNT-10S") }
            if response.status == 429 { #expect(response.json["code"] == .int(-1015)) }
        }
        #expect(codes == [200, 200, 200, 429])
        #expect(lastCount == "3")
    }
}
