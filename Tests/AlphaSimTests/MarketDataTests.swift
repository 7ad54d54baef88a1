import AlphaCore
import AlphaJSON
import AlphaTestSupport
import AlphaWebSocket
import Foundation
import Testing
@testable import AlphaSim

@Suite("Simulator market data: seeded history, scripted paths, one story across candles, tape, book and funding")
struct MarketDataTests {
    func rows(_ response: RawClient.Response) throws -> [[JSONValue]] {
        guard case .array(let rows) = try JSONParser.parse(response.text) else { throw RawClient.Failure(description: response.text) }
        return rows.compactMap { if case .array(let row) = $0 { row } else { nil } }
    }

    func number(_ value: JSONValue) -> Int64 { if case .number(let text) = value { Int64(text)! } else { -1 } }
    func amount(_ value: JSONValue) -> Amount { if case .string(let text) = value { Amount(text)! } else { -1 } }

    @Test("History before the start: 1500 one-minute candles back, gap-free, paged by startTime without overlap, ending at the price")
    func seededHistory() throws {
        let sim = try SimHarness()
        var settings = SimMarketDriver.Settings()
        settings.historyDays = 2
        _ = SimMarketDriver(service: sim.service, settings: settings)
        let latest = try rows(try sim.apiKeyRequest("GET", "/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=1500"))
        #expect(latest.count == 1500)
        let times = latest.map { number($0[0]) }
        #expect(zip(times, times.dropFirst()).allSatisfy { $1 - $0 == 60_000 })
        #expect(amount(latest.last![4]) == Amount("50000")!)
        // Page forward from the first: each page starts where the last ended, and the pages are the same candles.
        let first = times[0]
        let page1 = try rows(try sim.apiKeyRequest("GET", "/fapi/v1/klines?symbol=BTCUSDT&interval=1m&startTime=\(first)&limit=700"))
        let next = number(page1.last![6]) + 1
        let page2 = try rows(try sim.apiKeyRequest("GET", "/fapi/v1/klines?symbol=BTCUSDT&interval=1m&startTime=\(next)&limit=800"))
        #expect((page1 + page2).map { number($0[0]) } == times)
        #expect((page1 + page2).map { amount($0[4]) } == latest.map { amount($0[4]) })
        // A longer interval is merged from the same minutes; limit 1501 is refused; weight follows the limit.
        let hours = try rows(try sim.apiKeyRequest("GET", "/fapi/v1/klines?symbol=BTCUSDT&interval=1h&limit=24"))
        #expect(hours.count == 24 && zip(hours, hours.dropFirst()).allSatisfy { number($1[0]) - number($0[0]) == 3_600_000 })
        #expect(try sim.apiKeyRequest("GET", "/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=1501").json["code"] == .int(-1130))
        let light = try sim.apiKeyRequest("GET", "/fapi/v1/klines?symbol=ETHUSDT&interval=1m&limit=50").header("X-MBX-USED-WEIGHT-1M")
        let heavy = try sim.apiKeyRequest("GET", "/fapi/v1/klines?symbol=ETHUSDT&interval=1m&limit=1500").header("X-MBX-USED-WEIGHT-1M")
        #expect(Int(heavy!)! - Int(light!)! == 10)
    }

    @Test("A scripted path: the next candles close exactly at the given closes, each pushed once with x=true, then the price holds")
    func scriptedPath() throws {
        let sim = try SimHarness()
        var settings = SimMarketDriver.Settings()
        settings.speed = 60
        settings.historyDays = 0
        let driver = SimMarketDriver(service: sim.service, settings: settings)
        let stream = try WebSocketClient(url: "ws://127.0.0.1:\(sim.port)/ws/btcusdt@kline_1m")
        #expect(eventually { sim.service.streams.sessionCount == 1 })
        let closes = ["50010.00", "50020.50", "49990.10", "50100.00"]
        let reply = try sim.control("POST", "market/path", #"{"symbol":"BTCUSDT","closes":["# + closes.map { "\"\($0)\"" }.joined(separator: ",") + "]}")
        #expect(reply.status == 200, "\(reply.text)")
        let start = number(reply.json["start"]!)
        for _ in 0..<24 { driver.step(realMilliseconds: 250) }  // six market minutes
        var closed: [(Int64, Amount)] = []
        while case .text(let text)? = try stream.receive(timeoutMilliseconds: 200) {
            guard case .object(let kline)? = try JSONParser.parseObject(text)["k"], kline["x"] == true else { continue }
            closed.append((number(kline["t"]!), amount(kline["c"]!)))
        }
        let scripted = closed.filter { $0.0 >= start }
        #expect(scripted.map(\.0) == (0..<5).map { start + Int64($0) * 60_000 })
        #expect(scripted.prefix(4).map(\.1) == closes.map { Amount($0)! })
        #expect(scripted.last?.1 == Amount("50100")!)  // held after the path
        #expect(Set(closed.map(\.0)).count == closed.count)  // each candle closed once
        let candles = try rows(try sim.apiKeyRequest("GET", "/fapi/v1/klines?symbol=BTCUSDT&interval=1m&startTime=\(start)&limit=4"))
        #expect(candles.map { amount($0[4]) } == closes.map { Amount($0)! })
        #expect(amount(candles[1][1]) == Amount("50010")!)  // each candle opens at the previous close
    }

    @Test("The path control call takes a CSV too, and names what is wrong with a bad one")
    func pathErrors() throws {
        let sim = try SimHarness()
        let csv = try sim.control("POST", "market/path?symbol=ETHUSDT&interval=5m", "time,close\n1,3000.01\n2,3001.00\n", contentType: "text/csv")
        #expect(csv.status == 200, "\(csv.text)")
        #expect(csv.json["candles"] == .int(2) && csv.json["interval_ms"] == .int(300_000))
        #expect(try sim.control("POST", "market/path?symbol=ETHUSDT", "3000\n3001.5\n", contentType: "text/csv").status == 200)
        let cases: [(String, String, String)] = [
            (#"{"symbol":"BTCUSDT","closes":["50000.05"]}"#, "application/json", "closes[0] 50000.05 is not a multiple of BTCUSDT's tick 0.1"),
            (#"{"symbol":"XRPUSDT","closes":["1"]}"#, "application/json", "symbol must be one of the simulator's symbols: BTCUSDT, ETHUSDT"),
            (#"{"symbol":"BTCUSDT","closes":["50000","-1"]}"#, "application/json", "closes[1] \"-1\" is not a positive decimal"),
            (#"{"symbol":"BTCUSDT","closes":[]}"#, "application/json", "closes must hold 1 to 100000 prices"),
            ("1,3000\n2,3001\n", "text/csv", "a CSV with several columns needs a header row naming the close column"),
        ]
        for (body, type, message) in cases {
            let reply = try sim.control("POST", type == "text/csv" ? "market/path?symbol=ETHUSDT" : "market/path", body, contentType: type)
            #expect(reply.status == 400)
            guard case .object(let error)? = reply.json["error"] else { Issue.record("no error: \(reply.text)"); continue }
            #expect(error["message"] == .string(message), "\(reply.text)")
        }
    }

    @Test("One story: the book sits on the last price, the 24 h ticker's last is it, the tape's trades are in the candles' volume")
    func oneStory() throws {
        let sim = try SimHarness()
        var settings = SimMarketDriver.Settings()
        settings.speed = 60
        settings.historyDays = 1
        let driver = SimMarketDriver(service: sim.service, settings: settings)
        for _ in 0..<8 { driver.step(realMilliseconds: 250) }
        let price = sim.service.withExchange { $0.prices["BTCUSDT"]! }
        let book = try sim.apiKeyRequest("GET", "/fapi/v1/ticker/bookTicker?symbol=BTCUSDT").json
        #expect(book["bidPrice"].map(amount) == price)
        #expect(book["askPrice"].map(amount) == price + Amount("0.1")!)
        let ticker = try sim.apiKeyRequest("GET", "/fapi/v1/ticker/24hr?symbol=BTCUSDT").json
        #expect(ticker["lastPrice"].map(amount) == price)
        #expect(ticker["highPrice"].map(amount)! >= price && ticker["lowPrice"].map(amount)! <= price)
        let depth = try sim.apiKeyRequest("GET", "/fapi/v1/depth?symbol=BTCUSDT&limit=5").json
        guard case .array(let bids)? = depth["bids"], case .array(let top)? = bids.first else { Issue.record("no bids"); return }
        #expect(amount(top[0]) == price)
        #expect(try sim.apiKeyRequest("GET", "/fapi/v1/depth?symbol=BTCUSDT&limit=7").json["code"] == .int(-1130))
        // Every trade printed since the start is in the volume of its minute's candle.
        let trades = sim.service.state.withLock { $0.market.tape["BTCUSDT"]! }
        let minutes = try rows(try sim.apiKeyRequest("GET", "/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=10"))
        for minute in minutes {
            let open = number(minute[0])
            let inside = trades.filter { $0.time >= open && $0.time < open + 60_000 }.reduce(Amount.zero) { $0 + $1.quantity }
            #expect(inside <= amount(minute[5]), "minute \(open)")
        }
        guard case .array(let history) = try JSONParser.parse(try sim.apiKeyRequest("GET", "/fapi/v1/fundingRate?symbol=BTCUSDT&limit=3").text) else {
            Issue.record("no funding history"); return
        }
        #expect(history.count == 3)
    }
}
