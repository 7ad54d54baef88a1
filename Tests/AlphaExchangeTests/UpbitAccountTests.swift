import AlphaCore
import AlphaHTTP
import AlphaSim
import Foundation
import Synchronization
import Testing
@testable import AlphaExchange

/// The Upbit adapter against the Upbit simulator over real HTTP (issue 18): orders by our client
/// id as Upbit's `identifier`, spot holdings as the engine's position and wallet, fills from the
/// orders that hold them, and each failure classified for order safety.
@Suite("Upbit adapter against the Upbit simulator")
struct UpbitAccountTests {
    final class World {
        let service = UpbitSimService(configuration: .randomKeys())
        let server: HTTPServer
        let account: UpbitAccount

        init() throws {
            server = HTTPServer(handler: service.router.handler)
            try server.start()
            let client = UpbitRESTClient(baseURL: "http://127.0.0.1:\(server.port)",
                                         credentials: UpbitCredentials(accessKey: service.configuration.accessKey, secretKey: service.configuration.secretKey))
            account = UpbitAccount(client: client, scope: Scope(on: .upbitKRW, mode: .sim))
        }

        deinit { server.shutdown() }
    }

    static func payload(_ event: Event) throws -> OrderPayload { try OrderPayload(json: event.payload) }

    @Test("a limit bid by identifier: acknowledged, found by it, listed open, cancelled, the KRW it held back in the wallet")
    func limitLifecycle() throws {
        let world = try World()
        let placed = try Self.payload(world.account.place(OrderRequest(symbol: "KRW-BTC", side: .buy, type: .limit, quantity: Amount("0.001")!,
                                                                        price: Amount(139_000_000)), clientOrderID: "ae-limit-1"))
        #expect(placed.status == .acknowledged && placed.clientOrderID == "ae-limit-1" && placed.orderID?.count == 36 && placed.price == Amount(139_000_000))
        // 0.001 × 139 000 000 and its fee, 139 069.5, held: in the wallet, not free.
        #expect(try world.account.balances().map { "\($0.asset) \($0.walletBalance) free \($0.crossWalletBalance)" } == ["KRW 10000000 free 9860930.5"])
        #expect(try Self.payload(world.account.order(symbol: "KRW-BTC", clientOrderID: "ae-limit-1", type: .limit)).orderID == placed.orderID)
        #expect(try world.account.openOrders(symbol: "KRW-BTC").count == 1)
        let cancelled = try Self.payload(world.account.cancel(symbol: "KRW-BTC", clientOrderID: "ae-limit-1", type: .limit))
        #expect(cancelled.status == .cancelled)
        #expect(try world.account.balances().first?.crossWalletBalance == Amount(10_000_000))
        #expect(try world.account.openOrders(symbol: "KRW-BTC").isEmpty)
    }

    @Test("a market buy of a quantity is Upbit's buy of its KRW at the last price; the coin is a long position; the fill and its fee come from the order")
    func marketBuyPositionAndFills() throws {
        let world = try World()
        let bought = try Self.payload(world.account.place(OrderRequest(symbol: "KRW-BTC", side: .buy, type: .market, quantity: Amount("0.001")!),
                                                          clientOrderID: "ae-buy-1"))
        #expect(bought.status == .filled && bought.filledQuantity == Amount("0.001")! && bought.averagePrice == Amount(140_000_000))
        #expect(try world.account.positions(symbol: "KRW-BTC").map { "\($0.symbol) \($0.amount) @\($0.entryPrice)" } == ["KRW-BTC 0.001 @140000000"])
        world.service.setPrice(Amount(141_000_000), market: "KRW-BTC")
        let sold = try Self.payload(world.account.place(OrderRequest(symbol: "KRW-BTC", side: .sell, type: .market, quantity: Amount("0.001")!),
                                                        clientOrderID: "ae-sell-1"))
        #expect(sold.status == .filled && sold.averagePrice == Amount(141_000_000))
        #expect(try world.account.positions(symbol: nil).isEmpty, "nothing held")
        let page = try world.account.trades(symbol: "KRW-BTC", start: nil, end: nil, after: nil, limit: 100, clientOrderIDs: [:])
        let fills = try page.events.filter { $0.type == .tradeExecuted }.map { try TradePayload(json: $0.payload) }
        let fees = try page.events.filter { $0.type == .feeCharged }.map { try FeePayload(json: $0.payload) }
        #expect(fills.map { "\($0.clientOrderID ?? "?") \($0.side.rawValue) \($0.quantity) @\($0.price)" } == ["ae-buy-1 BUY 0.001 @140000000", "ae-sell-1 SELL 0.001 @141000000"])
        #expect(fees.map(\.amount) == [Amount(70), Amount("70.5")!] && fees.allSatisfy { $0.asset == "KRW" })
        // 10 000 000 − 140 070 + 141 000 − 70.5, to the won.
        #expect(try world.account.balances().first?.walletBalance == Amount("10000859.5")!)
        world.service.withExchange { #expect($0.holding("KRW").balance == Amount("10000859.5")!) }
    }

    @Test("failures classified for order safety: a reused identifier is an unknown outcome (resolved by asking, never sent twice), a refusal and an unknown order are definitive, stops are not Upbit's")
    func classification() throws {
        let world = try World()
        let order = OrderRequest(symbol: "KRW-BTC", side: .buy, type: .limit, quantity: Amount("0.001")!, price: Amount(130_000_000))
        _ = try world.account.place(order, clientOrderID: "ae-once")
        #expect {
            _ = try world.account.place(order, clientOrderID: "ae-once")
        } throws: { error in
            guard let failure = error as? ExchangeError else { return false }
            return !failure.isDefinitive
        }
        world.service.withExchange { #expect($0.placed.count == 1, "the second try placed nothing") }
        #expect(try Self.payload(world.account.order(symbol: "KRW-BTC", clientOrderID: "ae-once", type: .limit)).status == .acknowledged)
        #expect {
            _ = try world.account.order(symbol: "KRW-BTC", clientOrderID: "ae-never", type: nil)
        } throws: { ($0 as? ExchangeError)?.isNotFound == true }
        #expect {
            _ = try world.account.place(OrderRequest(symbol: "KRW-BTC", side: .buy, type: .limit, quantity: Amount("0.001")!, price: Amount(130_000_500)),
                                        clientOrderID: "ae-off-unit")
        } throws: { error in
            guard case .rejected(400, _, let message)? = error as? ExchangeError else { return false }
            return message.hasPrefix("invalid_price_bid")
        }
        #expect {
            _ = try world.account.place(OrderRequest(symbol: "KRW-BTC", side: .sell, type: .stopMarket, quantity: Amount("0.001")!, stopPrice: Amount(120_000_000)),
                                        clientOrderID: "ae-stop")
        } throws: { ($0 as? ExchangeError)?.isDefinitive == true }
        #expect(world.account.client.pacer.usage["default"] != nil, "Remaining-Req was read")
    }

    /// Arms a fault through the simulator's control API, as an operator's script would.
    static func arm(_ world: World, _ fault: String, count: Int = 1) throws {
        let answer = try CurlHTTPClient().perform(method: "POST", url: "http://127.0.0.1:\(world.server.port)/sim/v1/faults",
                                                  headers: [("Authorization", "Bearer \(world.service.configuration.controlToken)"),
                                                            ("Content-Type", "application/json")],
                                                  body: Array(#"{"fault":"\#(fault)","count":\#(count)}"#.utf8))
        #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
    }

    @Test("an order placed and then answered 500 is an unknown outcome, found by its identifier: one order, never two; a 500 before anything is done leaves nothing; a 429 closes the pacer for a second")
    func faults() throws {
        let world = try World()
        try Self.arm(world, "unknown_after_execute")
        let buy = OrderRequest(symbol: "KRW-BTC", side: .buy, type: .limit, quantity: Amount("0.001")!, price: Amount(141_000_000))
        #expect {
            _ = try world.account.place(buy, clientOrderID: "ae-lost-answer")
        } throws: { ($0 as? ExchangeError)?.isDefinitive == false }
        // Resolved as the executor resolves it: by asking for our id. It went through, and filled.
        #expect(try Self.payload(world.account.order(symbol: "KRW-BTC", clientOrderID: "ae-lost-answer", type: .limit)).status == .filled)
        world.service.withExchange { #expect($0.placed.count == 1) }

        try Self.arm(world, "http_5xx")
        #expect {
            _ = try world.account.place(buy, clientOrderID: "ae-failed")
        } throws: { ($0 as? ExchangeError)?.isDefinitive == false }
        #expect {
            _ = try world.account.order(symbol: "KRW-BTC", clientOrderID: "ae-failed", type: .limit)
        } throws: { ($0 as? ExchangeError)?.isNotFound == true }
        world.service.withExchange { #expect($0.placed.count == 1, "nothing was placed") }

        try Self.arm(world, "rate_limit")
        #expect(throws: ExchangeError.rateLimited(retryAfterSeconds: 1)) { _ = try world.account.balances() }
        // Held back without being sent: the simulator's next answer would have been served.
        #expect(throws: ExchangeError.self) { _ = try world.account.balances() }
        Thread.sleep(forTimeInterval: 1.1)
        #expect(try world.account.balances().count == 1)
    }

    @Test("Remaining-Req paces the client: 75 exchange requests in a burst (30 a second allowed) get no 429; a client that ignores it gets some")
    func remainingRequests() throws {
        let world = try World()
        for _ in 0..<75 { _ = try world.account.balances() }
        #expect(world.service.rateLimitRefusals == 0, "the pacer waited for the next second each time the group's were spent")
        let http = CurlHTTPClient()
        var statuses: [Int] = []
        for _ in 0..<100 { statuses.append(try http.perform(method: "GET", url: "http://127.0.0.1:\(world.server.port)/v1/market/all", headers: []).status) }
        #expect(statuses.contains(429) && world.service.rateLimitRefusals == statuses.filter { $0 == 429 }.count)
    }

    @Test("the pacer holds a spent group a whole second from the answer that said so (Upbit's second edges are its clock's, not ours); other groups go on")
    func pacerWindow() {
        let clock = Mutex<Int64>(10_900)
        let pacer = UpbitPacer(clock: { clock.withLock { $0 } })
        pacer.observe(remainingRequests: "group=default; min=1800; sec=0")
        pacer.observe(remainingRequests: "group=order; min=1800; sec=5")
        #expect(pacer.mustWait(group: "default", now: 11_100) == 11_900, "not at our next second, 11 000")
        #expect(pacer.mustWait(group: "default", now: 11_900) == nil && pacer.mustWait(group: "order", now: 11_100) == nil)
        #expect(pacer.usage == ["default": 0, "order": 5])
        pacer.observe(remainingRequests: "no header of Upbit's")
        #expect(pacer.usage == ["default": 0, "order": 5])
    }

    @Test("Upbit's times with an offset, fractions too")
    func times() {
        #expect(UpbitAccount.time("2026-12-07T23:00:00+09:00") == 1_796_652_000_000)
        #expect(UpbitAccount.time("2026-12-07T23:00:00.597751+09:00") == UpbitAccount.time("2026-12-07T14:00:00.597+00:00"))
        #expect(UpbitAccount.time("yesterday") == nil)
    }
}
