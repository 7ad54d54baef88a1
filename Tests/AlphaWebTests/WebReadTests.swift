import AlphaCore
import AlphaJSON
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

@Suite("Web reads: events paging, trades, orders, PnL, candles, dashboard, health, metrics")
struct WebReadTests {
    static func seqs(_ reply: WebWorld.Reply, _ key: String) -> [Int64] {
        guard case .array(let items)? = reply.json[key] else { return [] }
        return items.compactMap { item in
            guard case .object(let object) = item, case .number(let text)? = object["seq"] else { return nil }
            return Int64(text)
        }
    }

    @Test("events page by seq with `next`, filter by type, and refuse unknown parameters by name")
    func eventsPaging() throws {
        let world = try WebWorld()
        var written: [Int64] = []
        for index in 0..<7 { written.append(try world.appendEngineEvent("e\(index)", type: index % 2 == 0 ? .enginePaused : .engineResumed)) }
        var seen: [Int64] = []
        var after: Int64 = 0
        while true {
            let page = try world.call("GET", "/api/events?limit=3&after=\(after)", token: world.viewerToken)
            #expect(page.status == 200)
            seen += Self.seqs(page, "events")
            guard case .number(let next)? = page.json["next"], let value = Int64(next) else { break }
            after = value
        }
        #expect(seen == written)
        // Newest first, paged on with `before`: the same events, reversed, each once.
        var newest: [Int64] = []
        var before = ""
        while true {
            let page = try world.call("GET", "/api/events?order=desc&limit=3\(before)", token: world.viewerToken)
            #expect(page.status == 200)
            newest += Self.seqs(page, "events")
            guard case .number(let next)? = page.json["next"] else { break }
            before = "&before=\(next)"
        }
        #expect(newest == written.reversed())
        let older = try world.call("GET", "/api/events?order=desc&type=EngineResumed&before=\(written[5])", token: world.viewerToken)
        #expect(Self.seqs(older, "events") == [written[3], written[1]])
        let badOrder = try world.call("GET", "/api/events?order=newest&before=0", token: world.viewerToken)
        #expect(badOrder.status == 400 && badOrder.text.contains("order") && badOrder.text.contains("before"))
        let paused = try world.call("GET", "/api/events?type=EnginePaused&limit=100", token: world.viewerToken)
        #expect(Self.seqs(paused, "events") == written.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
        #expect(paused.json["next"] == .null)
        let bad = try world.call("GET", "/api/events?limit=0&type=Nope&colour=red", token: world.viewerToken)
        #expect(bad.status == 400 && bad.text.contains("limit") && bad.text.contains("type") && bad.text.contains("colour"))
        let one = try world.call("GET", "/api/events/\(written[2])", token: world.viewerToken)
        #expect(one.json["seq"] == .int(written[2]) && one.json["type"] == .string("EnginePaused"))
        #expect(try world.call("GET", "/api/events/999999", token: world.viewerToken).status == 404)
    }

    @Test("/api/symbols: the order filters as the bot stored them, decimals as strings, missing bounds null, one symbol by name")
    func symbolRules() throws {
        let world = try WebWorld()
        #expect(try world.call("GET", "/api/symbols", token: world.viewerToken).json["symbols"] == .array([]))
        let market = MarketDataStore(database: world.database)
        let read = Timestamp(millisecondsSinceEpoch: 1_795_000_000_000)
        try market.storeSymbolRules([
            SymbolRules(symbol: "BTCUSDT", tickSize: Amount("0.10")!, stepSize: Amount("0.001")!, minQuantity: Amount("0.001")!,
                        maxQuantity: Amount("1000")!, minNotional: Amount("100")!),
            SymbolRules(symbol: "ETHUSDT", tickSize: Amount("0.01")!, stepSize: Amount("0.001")!, minQuantity: Amount("0.001")!),
        ], at: read)
        let all = try world.call("GET", "/api/symbols", token: world.viewerToken)
        guard case .array(let list)? = all.json["symbols"], list.count == 2, case .object(let btc) = list[0],
              case .object(let eth) = list[1] else { Issue.record("\(all.text)"); return }
        #expect(btc["symbol"] == "BTCUSDT" && btc["tickSize"] == .string("0.1") && btc["stepSize"] == .string("0.001")
                && btc["maxQuantity"] == .string("1000") && btc["minNotional"] == .string("100")
                && btc["updatedAt"] == .string(read.iso8601))
        #expect(eth["maxQuantity"] == .null && eth["minNotional"] == .null)
        let one = try world.call("GET", "/api/symbols?symbol=ETHUSDT", token: world.viewerToken)
        guard case .array(let only)? = one.json["symbols"] else { Issue.record("\(one.text)"); return }
        #expect(only.count == 1)
        // A new read replaces the list: a symbol the exchange dropped goes.
        try market.storeSymbolRules([SymbolRules(symbol: "ETHUSDT", tickSize: Amount("0.01")!, stepSize: Amount("0.01")!,
                                                 minQuantity: Amount("0.01")!)], at: read)
        guard case .array(let after)? = try world.call("GET", "/api/symbols", token: world.viewerToken).json["symbols"] else { return }
        #expect(after.count == 1)
        #expect(try world.call("GET", "/api/symbols?symbol=btc usdt", token: world.viewerToken).status == 400)
        #expect(try world.call("GET", "/api/symbols").status == 401)
    }

    @Test("The exchange's candles as the bot keeps them, longer intervals merged from minutes, our fills marked; positions at the mark")
    func exchangeCandlesAndMarks() throws {
        let world = try WebWorld()
        let minute: Int64 = 60_000
        let base: Int64 = 1_795_000_000_000 - 1_795_000_000_000 % (5 * minute)
        let closes = ["100", "101", "99", "102", "103", "104", "100"]
        let candles = closes.enumerated().map { index, close in
            Candle(openTime: base + Int64(index) * minute, closeTime: base + Int64(index + 1) * minute - 1, open: Amount("100")!,
                   high: Amount(close)! + Amount(1), low: Amount("98")!, close: Amount(close)!, volume: Amount("2")!, trades: 3)
        }
        let market = MarketDataStore(database: world.database)
        try market.store(candles, symbol: "BTCUSDT", timeframe: .oneMinute, keep: 100)
        try world.appendTrade(id: 1, price: "101", quantity: "0.5", time: base + 90_000)
        try world.appendTrade(id: 2, price: "100", quantity: "0.5", time: base - 90_000)  // before the first candle: not marked

        let minutes = try world.call("GET", "/api/candles?interval=1m&limit=3", token: world.viewerToken)
        guard case .array(let newest)? = minutes.json["candles"] else { Issue.record("\(minutes.text)"); return }
        #expect(newest.count == 3 && minutes.json["source"] == "exchange")
        let newestCloses: [JSONValue?] = newest.map { value in if case .object(let candle) = value { candle["close"] } else { nil } }
        #expect(newestCloses == [.string("103"), .string("104"), .string("100")])
        let merged = try world.call("GET", "/api/candles?interval=5m", token: world.viewerToken)
        guard case .array(let fives)? = merged.json["candles"], fives.count == 2, case .object(let first) = fives[0],
              case .array(let fills)? = merged.json["fills"] else { Issue.record("\(merged.text)"); return }
        #expect(first["openTime"] == .int(base) && first["open"] == "100" && first["high"] == "104" && first["low"] == "98"
                && first["close"] == "103" && first["volume"] == "10" && first["trades"] == .int(15))
        #expect(fills.count == 1 && fills.first == .object(["time": .int(base + 90_000), "side": "BUY", "price": "101", "quantity": "0.5",
                                                          "clientOrderId": .null]))
        #expect(try world.call("GET", "/api/candles?source=book", token: world.viewerToken).status == 400)

        // A long of 0.5 from 100 at a mark of 104.5 is 2.25 up, whatever the exchange said last.
        _ = try world.writer.append(Event(type: .positionChanged, source: .rest, entityKind: .position, entityID: "BTCUSDT",
                                          scope: Scope(on: .binanceUSDM, mode: .sim), dedupKey: "position:test",
                                          payload: PositionPayload(symbol: "BTCUSDT", amount: Amount("0.5")!, entryPrice: Amount("100")!,
                                                                   unrealizedPnl: Amount("1")!, time: base).json))
        try market.storeMark(MarkPrice(symbol: "BTCUSDT", price: Amount("104.5")!, time: base))
        let positions = try world.call("GET", "/api/positions", token: world.viewerToken)
        guard case .array(let list)? = positions.json["positions"], case .object(let position)? = list.first else { Issue.record("\(positions.text)"); return }
        #expect(position["unrealizedPnl"] == "2.25" && position["markPrice"] == "104.5", "\(positions.text)")
        let dashboard = try world.call("GET", "/api/dashboard", token: world.viewerToken)
        guard case .array(let shown)? = dashboard.json["positions"], case .object(let onDashboard)? = shown.first else { Issue.record("\(dashboard.text)"); return }
        #expect(onDashboard["unrealizedPnl"] == "2.25")
    }

    @Test("The strategy catalog with each parameter's rule; results per owner: the strategy's round trip, a manual fill, an outside one")
    func strategiesAndResults() throws {
        let world = try WebWorld()
        let catalog = try world.call("GET", "/api/strategies", token: world.viewerToken)
        #expect(catalog.json["active"] == "none" && catalog.text.contains(#""name":"sma_cross""#)
                && catalog.text.contains(#""name":"fast","kind":"integer","default":10,"rule":"must be a whole number from 2 to 500""#),
                "\(catalog.text)")
        // The same rules in a form's terms: an integer's range, a decimal's bounds, a choice's words.
        #expect(catalog.text.contains(#""help":"candles in the fast average","minimum":2,"maximum":500"#)
                && catalog.text.contains(#""name":"quantity","kind":"decimal","default":"0.01""#)
                && catalog.text.contains(#""above":"0","atMost":"1000000""#)
                && catalog.text.contains(#""choices":["long","both"]"#), "\(catalog.text)")
        let commands = CommandStore(database: world.database)
        func command(_ actor: Actor) throws -> String {
            let inserted = try commands.insert(Command(type: .placeOrder, actor: actor, scope: Scope(on: .binanceUSDM, mode: .sim),
                                                       payload: ["symbol": "BTCUSDT"])).command
            return try inserted.clientOrderID.value
        }
        let strategy = Actor(kind: .strategy, id: "strategy:sma_cross")
        try world.appendTrade(id: 1, price: "50000", quantity: "0.01", time: 1, clientOrderID: try command(strategy))
        try world.appendTrade(id: 2, price: "50200", quantity: "0.01", time: 2, realizedPnl: "2", side: .sell, clientOrderID: try command(strategy))
        try world.appendTrade(id: 3, price: "50000", quantity: "0.02", time: 3, clientOrderID: try command(Actor(kind: .user, id: "web:ana")))
        try world.appendTrade(id: 4, price: "50000", quantity: "0.01", time: 4, side: .sell, clientOrderID: "web_by_hand")
        let results = try world.call("GET", "/api/strategies/results", token: world.viewerToken)
        guard case .array(let rows)? = results.json["results"] else { Issue.record("\(results.text)"); return }
        let byOwner = Dictionary(uniqueKeysWithValues: rows.compactMap { row -> (String, JSONObject)? in
            guard case .object(let object) = row, case .string(let owner)? = object["owner"] else { return nil }
            return (owner, object)
        })
        #expect(Set(byOwner.keys) == ["sma_cross", "manual", "outside"], "\(results.text)")
        #expect(byOwner["sma_cross"]?["realizedPnl"] == "2" && byOwner["sma_cross"]?["trades"] == .int(2)
                && byOwner["sma_cross"]?["roundTrips"] == .int(1) && byOwner["sma_cross"]?["winRate"] == "1", "\(results.text)")
        #expect(byOwner["manual"]?["trades"] == .int(1) && byOwner["manual"]?["winRate"] == .null)
    }

    @Test("trades page by seq; candles are OHLCV of our fills by interval; the PnL series carries a running total")
    func tradesCandlesPnL() throws {
        let world = try WebWorld()
        let hour: Int64 = 3_600_000
        let base: Int64 = 1_795_000_000_000 - 1_795_000_000_000 % hour
        try world.appendTrade(id: 1, price: "100", quantity: "1", time: base + 10, realizedPnl: "0")
        try world.appendTrade(id: 2, price: "105.5", quantity: "0.5", time: base + 20, realizedPnl: "2.75")
        try world.appendTrade(id: 3, price: "99", quantity: "2", time: base + 30)
        try world.appendTrade(id: 4, price: "101", quantity: "1", time: base + hour + 5)
        try world.appendTrade(id: 5, symbol: "ETHUSDT", price: "3000", quantity: "1", time: base + 40)

        let page = try world.call("GET", "/api/trades?symbol=BTCUSDT&limit=3", token: world.viewerToken)
        #expect(Self.seqs(page, "trades").count == 3 && page.json["next"] != .null)
        let ascending = Self.seqs(try world.call("GET", "/api/trades?symbol=BTCUSDT", token: world.viewerToken), "trades")
        let newestTwo = try world.call("GET", "/api/trades?symbol=BTCUSDT&order=desc&limit=2", token: world.viewerToken)
        #expect(Self.seqs(newestTwo, "trades") == Array(ascending.reversed().prefix(2)))
        guard case .number(let before)? = newestTwo.json["next"] else { Issue.record("\(newestTwo.text)"); return }
        let olderTrades = try world.call("GET", "/api/trades?symbol=BTCUSDT&order=desc&before=\(before)", token: world.viewerToken)
        #expect(Self.seqs(olderTrades, "trades") == Array(ascending.reversed().dropFirst(2)))
        let candles = try world.call("GET", "/api/candles?symbol=BTCUSDT&interval=1h&source=fills&from=\(base)&until=\(base + 2 * hour)",
                                     token: world.viewerToken)
        guard case .array(let list)? = candles.json["candles"], list.count == 2, case .object(let first) = list[0] else {
            Issue.record("\(candles.text)"); return
        }
        #expect(first["openTime"] == .int(base))
        #expect(first["open"] == .string("100") && first["high"] == .string("105.5") && first["low"] == .string("99")
                && first["close"] == .string("99") && first["volume"] == .string("3.5") && first["trades"] == .int(3))
        #expect(try world.call("GET", "/api/candles?interval=7m", token: world.viewerToken).status == 400)

        let pnl = try world.call("GET", "/api/pnl", token: world.viewerToken)
        guard case .array(let days)? = pnl.json["days"], case .object(let day)? = days.first else { Issue.record("\(pnl.text)"); return }
        #expect(day["realizedPnl"] == .string("2.75") && day["cumulativeNet"] != nil)
        #expect(try world.call("GET", "/api/pnl?from=2026-02-31", token: world.viewerToken).status == 400)
    }

    @Test("the dashboard reflects what the bot committed, including the rate-limit use from its heartbeat")
    func dashboard() throws {
        let world = try WebWorld()
        let before = try world.call("GET", "/api/dashboard", token: world.viewerToken)
        #expect(before.json["tradingMode"] == .string("sim"))
        try HeartbeatStore(database: world.database).beat(Heartbeat(process: "bot", bootID: "b", pid: 1, beatAt: .now(),
                                                                   details: ["usedWeight1m": .int(42), "level": .string("normal")]))
        _ = try world.writer.append(Event(type: .engineStarted, source: .bot, entityKind: .engine, entityID: "engine", scope: WebWorld.scope,
                                          dedupKey: "test:boot", payload: EngineStartedPayload(bootID: "b", state: .running, mode: .normal).json))
        let seq = try world.appendEngineEvent("maintenance", type: .enginePaused)
        // The dashboard is cached per commit: a fresh commit shows at once.
        #expect(eventually(within: 3) {
            let reply = try? world.call("GET", "/api/dashboard", token: world.viewerToken)
            guard case .object(let engine)? = reply?.json["engine"], case .object(let limits)? = reply?.json["rateLimit"] else { return false }
            return reply?.json["seq"] == .int(seq) && engine["state"] == .string("PAUSED") && engine["reason"] == .string("maintenance")
                && limits["usedWeight1m"] == .int(42)
        })
        let ready = try world.call("GET", "/api/ready")
        #expect(ready.status == 200 && ready.json["ready"] == .bool(true), "fresh heartbeat: ready")
    }

    @Test("readiness is 503 without a bot heartbeat; health is 200; the contract is served as is")
    func healthAndContract() throws {
        let world = try WebWorld()
        #expect(try world.call("GET", "/api/health").status == 200)
        let ready = try world.call("GET", "/api/ready")
        #expect(ready.status == 503 && ready.json["ready"] == .bool(false))
        let contract = try world.call("GET", "/api/openapi.yaml")
        let onDisk = try Data(contentsOf: PythonPeer.repositoryRoot.appendingPathComponent("openapi.yaml"))
        #expect(contract.status == 200 && contract.body == Array(onDisk) && contract.header("Content-Type") == "application/yaml")
    }

    @Test("/metrics counts requests by route pattern, needs credentials, and reports SSE subscribers")
    func metrics() throws {
        let world = try WebWorld()
        _ = try world.call("GET", "/api/events/1", token: world.viewerToken)
        _ = try world.call("GET", "/api/events/2", token: world.viewerToken)
        #expect(try world.call("GET", "/metrics").status == 401)
        let text = try world.call("GET", "/metrics", token: world.viewerToken).text
        #expect(text.contains(#"alphaengine_http_requests_total{route="GET /api/events/:seq",status="404"} 2"#))
        #expect(text.contains("alphaengine_sse_subscribers 0"))
        #expect(text.contains("alphaengine_http_request_duration_seconds_bucket"))
    }
}
