import AlphaBot
import AlphaCore
import AlphaExchange
import AlphaHTTP
import AlphaJSON
import AlphaSim
import AlphaStore
import AlphaTestSupport
import Foundation
import Synchronization
import Testing

@Suite("Fill ingestion: stream and REST together, zero duplicates")
struct FillIngestionTests {
    @Test("fills made while the stream is down are recovered over REST; stream and REST copies of later fills collide; totals equal the exchange's ledger")
    func streamDownThenBoth() throws {
        var configuration = SimConfiguration.randomKeys()
        configuration.initialBalance = Amount("100000")!
        let service = SimService(configuration: configuration)
        service.withExchange { $0.liquidityPerLevel = Amount("0.004")! }
        let server = HTTPServer(handler: service.router.handler)
        try server.start()
        defer { server.shutdown() }
        let base = "http://127.0.0.1:\(server.port)"
        let client = BinanceRESTClient(baseURL: base, apiKey: configuration.apiKey, apiSecret: configuration.apiSecret)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fills-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try Database.openMigrated(path: directory.appendingPathComponent("bot.db").path)
        let writer = try EventWriter(database: database)
        let account = BinanceAccount(client: client, scope: Scope(on: .binanceUSDM, mode: .sim))

        func order(_ id: String, _ side: String, _ quantity: String) throws {
            _ = try client.signed("POST", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", side), ("type", "MARKET"),
                                                             ("quantity", quantity), ("newClientOrderId", id)])
        }

        // Phase 1: no stream at all. Three orders, several partial fills each.
        try order("a-1", "BUY", "0.010")
        try order("a-2", "BUY", "0.006")
        try order("a-3", "SELL", "0.012")
        let catchUp = TradeCatchUp(account: account, writer: writer, capabilities: .binanceUSDM, clock: SystemClock())
        catchUp.pageSize = 2  // several pages
        let recovered = try catchUp.run(symbol: "BTCUSDT")
        let simTrades = service.withExchange { $0.ledger.trades.count }
        #expect(recovered == simTrades * 2)  // a trade and a fee event per fill
        #expect(try catchUp.run(symbol: "BTCUSDT") == 0)

        // Phase 2: the stream is up. Its thread only queues messages; this thread, the single
        // writer, stores them, as the bot's writer thread does.
        let inbox = Mutex<[JSONObject]>([])
        let apiKey = configuration.apiKey, apiSecret = configuration.apiSecret
        let stream = UserDataStream(webSocketBase: base.replacingOccurrences(of: "http://", with: "ws://"),
                                    makeClient: { BinanceRESTClient(baseURL: base, apiKey: apiKey, apiSecret: apiSecret) },
                                    handler: { event in if case .message(let message) = event { inbox.withLock { $0.append(message) } } })
        stream.start()
        defer { stream.stop() }
        #expect(eventually { service.streamSessionCount == 1 })
        try order("b-1", "SELL", "0.009")
        let expectedTrades = service.withExchange { $0.ledger.trades.count }
        func storedTrades() throws -> Int {
            for message in inbox.withLock({ queue in defer { queue.removeAll() }; return queue }) {
                try writer.append(try BinanceEventTranslator.events(fromStream: message, scope: Scope(on: .binanceUSDM, mode: .sim)))
            }
            return try writer.events.events(matching: EventFilter(types: [.tradeExecuted]), limit: 10_000).count
        }
        #expect(eventually { (try? storedTrades()) == expectedTrades })
        // REST finds the same fills again: every one collides.
        #expect(try catchUp.run(symbol: "BTCUSDT") == 0)

        // The stored money equals the exchange's own ledger, to the last decimal.
        let ledger = service.withExchange { $0.ledger }
        let totals = writer.state.pnl.values.reduce(PnLTotals()) { sum, day in
            PnLTotals(realizedPnl: sum.realizedPnl + day.realizedPnl, fees: sum.fees + day.fees, funding: sum.funding + day.funding,
                      trades: sum.trades + day.trades)
        }
        #expect(totals.trades == Int64(ledger.trades.count))
        #expect(totals.realizedPnl == ledger.trades.reduce(Amount.zero) { $0 + $1.realizedPnl })
        #expect(totals.fees == ledger.trades.reduce(Amount.zero) { $0 + $1.commission })
    }
}
