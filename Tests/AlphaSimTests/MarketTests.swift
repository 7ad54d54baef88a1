import AlphaCore
import AlphaJSON
import AlphaTestSupport
import AlphaWebSocket
import Foundation
import Testing
@testable import AlphaSim

@Suite("Simulator market: price process, candles, market streams, funding")
struct MarketTests {
    func path(seed: UInt64, steps: Int = 200) -> [Amount] {
        var process = SimPriceProcess(seed: seed, volatility: 0.8)
        var price = Amount("50000")!
        return (0..<steps).map { _ in
            price = process.next(from: price, elapsedSeconds: 60, tick: Amount("0.10")!)
            return price
        }
    }

    @Test("the same seed gives the same path; another seed another; every price is on the tick")
    func determinism() {
        #expect(path(seed: 7) == path(seed: 7))
        #expect(path(seed: 7) != path(seed: 8))
        #expect(path(seed: 7).allSatisfy { SimSymbol.isMultiple($0, of: Amount("0.10")!) && !$0.isNegative })
        // 80 % annualized over 200 minutes moves, but not absurdly.
        let moves = path(seed: 7)
        #expect(Set(moves).count > 50)
        #expect(moves.allSatisfy { $0 > Amount("40000")! && $0 < Amount("60000")! })
    }

    @Test("1m candles merge into longer intervals with the right open, high, low, close and volume")
    func candles() {
        var book = SimCandleBook()
        let base: Int64 = 1_700_000_040_000 - 1_700_000_040_000 % 300_000
        for (offset, price) in [(0, "100"), (30_000, "105"), (60_000, "95"), (200_000, "101"), (300_000, "110")] {
            book.record(symbol: "X", price: Amount(price)!, quantity: Amount("1")!, time: base + Int64(offset))
        }
        let fiveMinutes = book.klines(symbol: "X", interval: 300_000, startTime: nil, endTime: nil, limit: 10)
        #expect(fiveMinutes.count == 2)
        #expect(fiveMinutes[0].open == Amount("100")! && fiveMinutes[0].high == Amount("105")! && fiveMinutes[0].low == Amount("95")!)
        #expect(fiveMinutes[0].close == Amount("101")! && fiveMinutes[0].volume == Amount("4")! && fiveMinutes[0].trades == 4)
        #expect(fiveMinutes[1].openTime == base + 300_000)
        #expect(SimCandleBook.interval("4h") == 14_400_000)
    }

    @Test("driver steps: resting orders fill as the price moves, funding is charged every 8 h of market time")
    func driverAndFunding() throws {
        let service = SimService(configuration: .randomKeys())
        var settings = SimMarketDriver.Settings()
        settings.speed = 28_800  // 8 market hours per wall second
        settings.volatility = 0
        let driver = SimMarketDriver(service: service, settings: settings)
        try service.mutate { exchange, time throws(BinanceError) in
            ((), try exchange.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .market, quantity: Amount("0.1")!), time: time))
        }
        for _ in 0..<4 { driver.step(realMilliseconds: 250) }  // one wall second: crosses one funding time
        let funding = service.withExchange { $0.ledger.income.filter { $0.kind == .fundingFee } }
        #expect(funding.count == 1)
        #expect(funding.first?.amount == Amount("-0.5")!)  // 0.1 × 50000 × 0.0001, paid by the long
    }

    @Test("mark price and kline streams over /ws/<stream> and SUBSCRIBE; klines over REST")
    func marketStreams() throws {
        let sim = try SimHarness()
        var settings = SimMarketDriver.Settings()
        settings.seed = 3
        settings.speed = 60
        let driver = SimMarketDriver(service: sim.service, settings: settings)
        let mark = try WebSocketClient(url: "ws://127.0.0.1:\(sim.port)/ws/btcusdt@markPrice")
        let combined = try WebSocketClient(url: "ws://127.0.0.1:\(sim.port)/stream")
        try combined.send(text: #"{"method":"SUBSCRIBE","params":["ethusdt@kline_1m"],"id":1}"#)
        #expect(try combined.receive(timeoutMilliseconds: 3000) == .text(#"{"result":null,"id":1}"#))
        #expect(eventually { sim.service.streams.sessionCount == 2 })
        driver.step(realMilliseconds: 1000)
        guard case .text(let markText)? = try mark.receive(timeoutMilliseconds: 3000) else { Issue.record("no mark price"); return }
        let markEvent = try JSONParser.parseObject(markText)
        #expect(markEvent["e"] == "markPriceUpdate")
        #expect(markEvent["s"] == "BTCUSDT")
        guard case .text(let klineText)? = try combined.receive(timeoutMilliseconds: 3000) else { Issue.record("no kline"); return }
        let wrapper = try JSONParser.parseObject(klineText)
        #expect(wrapper["stream"] == "ethusdt@kline_1m")
        guard case .object(let data)? = wrapper["data"], case .object(let kline)? = data["k"] else { Issue.record("bad kline"); return }
        #expect(kline["i"] == "1m")
        let rest = try sim.apiKeyRequest("GET", "/fapi/v1/klines?symbol=BTCUSDT&interval=1m&limit=5")
        guard case .array(let rows) = try JSONParser.parse(rest.text), case .array(let row)? = rows.last else { Issue.record("no klines"); return }
        #expect(row.count == 12)
        #expect(try sim.apiKeyRequest("GET", "/fapi/v1/klines?symbol=BTCUSDT&interval=7m").json["code"] == .int(-1120))
    }
}
