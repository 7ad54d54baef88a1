import AlphaBot
import AlphaCore
import AlphaExchange
import AlphaHTTP
import AlphaJSON
import AlphaSim
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// A bot's stores and REST client against a simulator on a real port.
final class BotHarness {
    let service: SimService
    let server: HTTPServer
    let client: BinanceRESTClient
    /// The bot's view of the exchange, over `client`.
    let account: BinanceAccount
    let directory: URL
    let database: Database
    let writer: EventWriter
    let commands: CommandStore

    init(timeoutMilliseconds: Int = 5_000) throws {
        var configuration = SimConfiguration.randomKeys()
        configuration.initialBalance = Amount("100000")!
        service = SimService(configuration: configuration)
        server = HTTPServer(handler: service.router.handler)
        try server.start()
        client = BinanceRESTClient(baseURL: "http://127.0.0.1:\(server.port)", apiKey: configuration.apiKey,
                                   apiSecret: configuration.apiSecret, timeoutMilliseconds: timeoutMilliseconds)
        account = BinanceAccount(client: client, scope: Scope(on: .binanceUSDM, mode: .sim))
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("bot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try Database.openMigrated(path: directory.appendingPathComponent("bot.db").path)
        writer = try EventWriter(database: database)
        commands = CommandStore(database: database)
        // The engine is running, as after a boot: the pre-trade check refuses everything otherwise.
        try writer.append(Event(type: .engineStarted, source: .bot, entityKind: .engine, entityID: "engine", scope: Scope(on: .binanceUSDM, mode: .sim),
                                dedupKey: DedupKey.engine(bootID: "harness", transition: "started"),
                                payload: EngineStartedPayload(bootID: "harness", state: .running, mode: .normal).json))
    }

    let clock = SystemClock()
    var time: KernelTime { KernelTime(now: clock.now, monotonic: clock.monotonicMilliseconds) }

    func executor(_ settings: OrderExecutor.Settings = OrderExecutor.Settings()) -> OrderExecutor {
        OrderExecutor(account: account, pacer: client.gate, writer: writer, commands: commands, settings: settings)
    }

    func reconciler() -> Reconciler {
        let capabilities = VenueCapabilities.binanceUSDM
        return Reconciler(account: account, writer: writer, scope: Scope(on: .binanceUSDM, mode: .sim), symbols: ["BTCUSDT"],
                          trades: TradeCatchUp(account: account, writer: writer, capabilities: capabilities, clock: clock),
                          funding: FundingCatchUp(account: account, writer: writer, capabilities: capabilities, clock: clock), clock: clock)
    }

    /// Claims the next command and hands it to `executor`, then steps the executor as the kernel
    /// would until the command is settled; nil when no command is waiting.
    func runNext(_ executor: OrderExecutor) throws -> Command? {
        guard let command = try commands.claimNext() else { return nil }
        _ = try executor.handle(command, time)
        return try settle(executor, [command.id]).first
    }

    /// Steps `executor` until every one of `ids` is ACK or FAILED (at most 20 s); returns them.
    func settle(_ executor: OrderExecutor, _ ids: [String]) throws -> [Command] {
        let deadline = clock.monotonicMilliseconds + 20_000
        while true {
            let current = try ids.compactMap { try commands.command(id: $0) }
            if current.allSatisfy({ $0.status != .sent }) || clock.monotonicMilliseconds > deadline { return current }
            if try !executor.tick(time) { usleep(5_000) }
        }
    }

    deinit {
        server.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    func fault(_ body: String) throws {
        let raw = try RawClient(port: server.port)
        try raw.send("POST /sim/v1/faults HTTP/1.1\r\nHost: s\r\nAuthorization: Bearer \(service.configuration.controlToken)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        _ = try raw.readResponse()
    }

    @discardableResult
    func placeOrder(_ side: String = "BUY", quantity: String = "0.010") throws -> Command {
        let command = Command(type: .placeOrder, actor: Actor(kind: .strategy, id: "test"), scope: Scope(on: .binanceUSDM, mode: .sim),
                              payload: ["symbol": "BTCUSDT", "side": .string(side), "type": "MARKET", "quantity": .string(quantity)])
        return try commands.insert(command).command
    }

    /// Orders the exchange holds with this client id.
    func ordersOnExchange(_ clientOrderID: String) -> Int {
        service.withExchange { $0.orders.values.filter { $0.clientOrderId == clientOrderID }.count }
    }
}

@Suite("Order execution: write-ahead, unknown outcomes resolved, never twice")
struct OrderExecutorTests {
    func settings() -> OrderExecutor.Settings {
        var settings = OrderExecutor.Settings()
        settings.notFoundGraceMilliseconds = 300
        settings.queryIntervalMilliseconds = 100
        return settings
    }

    @Test("a plain order: ACK with the order id, one order event tied to the command, one order on the exchange")
    func plain() throws {
        let bot = try BotHarness()
        let command = try bot.placeOrder()
        let executor = bot.executor(settings())
        let done = try #require(try bot.runNext(executor))
        #expect(done.status == .acknowledged)
        #expect(done.result?["resolvedBy"] == "answer")
        let clientOrderID = try command.clientOrderID.value
        #expect(bot.ordersOnExchange(clientOrderID) == 1)
        #expect(bot.writer.state.orders.values.contains { $0.clientOrderID == clientOrderID && $0.status == .filled })
        #expect(try bot.runNext(executor) == nil)
    }

    @Test("executed but answered 503 'unknown': resolved by query as placed, not sent again", arguments: ["unknown_after_execute", "hang"])
    func unknownButPlaced(fault: String) throws {
        let bot = try BotHarness(timeoutMilliseconds: 1_000)
        try bot.fault(#"{"fault":"\#(fault)","milliseconds":2500}"#)
        let command = try bot.placeOrder()
        let executor = bot.executor(settings())
        let done = try #require(try bot.runNext(executor))
        #expect(done.status == .acknowledged)
        #expect(done.result?["resolvedBy"] == "query")
        #expect(bot.ordersOnExchange(try command.clientOrderID.value) == 1)
    }

    @Test("not executed and the answer unknown (500): repeated not-found after the grace period → FAILED, nothing placed")
    func unknownAndAbsent() throws {
        let bot = try BotHarness()
        try bot.fault(#"{"fault":"http_5xx","path":"/fapi/v1/order","status":500,"count":1}"#)
        let command = try bot.placeOrder()
        let executor = bot.executor(settings())
        let done = try #require(try bot.runNext(executor))
        #expect(done.status == .failed)
        #expect(done.lastError?.contains("not placed") == true)
        #expect(bot.ordersOnExchange(try command.clientOrderID.value) == 0)
    }

    @Test("a definitive refusal fails the command at once with Binance's reason")
    func refused() throws {
        let bot = try BotHarness()
        try bot.placeOrder("SELL", quantity: "0.0005")  // below the minimum quantity
        let executor = bot.executor(settings())
        let done = try #require(try bot.runNext(executor))
        #expect(done.status == .failed)
        #expect(done.lastError?.contains("-4004") == true || done.lastError?.contains("-1111") == true)
    }

    @Test("boot: a command left SENT is resolved — placed if the exchange has it, failed if it never arrived; never resent")
    func bootResolution() throws {
        let bot = try BotHarness()
        // One command whose order reached the exchange before the crash, one that never left.
        let sentAndPlaced = try bot.placeOrder()
        let claimedFirst = try #require(try bot.commands.claimNext())
        #expect(claimedFirst.id == sentAndPlaced.id)
        _ = try bot.client.signed("POST", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"),
                                                            ("quantity", "0.010"), ("newClientOrderId", try sentAndPlaced.clientOrderID.value)])
        let neverSent = try bot.placeOrder()
        _ = try #require(try bot.commands.claimNext())
        usleep(400_000)  // older than the grace period
        let executor = bot.executor(settings())
        try executor.start(bot.time)
        let resolved = try bot.settle(executor, [sentAndPlaced.id, neverSent.id])
        #expect(resolved.first { $0.id == sentAndPlaced.id }?.status == .acknowledged)
        #expect(resolved.first { $0.id == neverSent.id }?.status == .failed)
        #expect(bot.ordersOnExchange(try sentAndPlaced.clientOrderID.value) == 1)
        #expect(bot.ordersOnExchange(try neverSent.clientOrderID.value) == 0)
    }
}

@Suite("Order execution: cancel, cancel all, close position, leverage")
struct OrderManagementTests {
    func command(_ bot: BotHarness, _ type: CommandType, _ payload: JSONObject) throws -> Command {
        try bot.commands.insert(Command(type: type, actor: Actor(kind: .user, id: "tester"), scope: Scope(on: .binanceUSDM, mode: .sim), payload: payload)).command
    }

    func restingLimit(_ bot: BotHarness) throws -> Command {
        try command(bot, .placeOrder, ["symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
                                       "quantity": "0.010", "price": "40000"])
    }

    @Test("cancel by client id: ACK and the order stored as cancelled; cancelling it again is refused with the reason")
    func cancel() throws {
        let bot = try BotHarness()
        let executor = bot.executor()
        let placed = try restingLimit(bot)
        _ = try bot.runNext(executor)
        let clientOrderID = try placed.clientOrderID.value
        _ = try command(bot, .cancelOrder, ["symbol": "BTCUSDT", "clientOrderId": .string(clientOrderID)])
        #expect(try bot.runNext(executor)?.status == .acknowledged)
        #expect(bot.writer.state.orders[clientOrderID]?.status == .cancelled)
        _ = try command(bot, .cancelOrder, ["symbol": "BTCUSDT", "clientOrderId": .string(clientOrderID)])
        let again = try #require(try bot.runNext(executor))
        #expect(again.status == .failed)
        #expect(again.lastError?.contains("-2011") == true)
    }

    @Test("cancel all, then close position: open orders gone, the position closed by one reduce-only order")
    func cancelAllAndClose() throws {
        let bot = try BotHarness()
        let executor = bot.executor()
        _ = try restingLimit(bot)
        _ = try bot.placeOrder("BUY", quantity: "0.020")
        _ = try bot.runNext(executor)
        _ = try bot.runNext(executor)
        _ = try command(bot, .cancelAll, ["symbol": "BTCUSDT"])
        #expect(try bot.runNext(executor)?.status == .acknowledged)
        #expect(bot.service.withExchange { $0.openOrders(symbol: "BTCUSDT").isEmpty })
        #expect(bot.writer.state.orders.values.filter { $0.status.isOpen }.isEmpty)
        _ = try restingLimit(bot)
        _ = try bot.runNext(executor)
        let close = try command(bot, .closePosition, ["symbol": "BTCUSDT"])
        #expect(try bot.runNext(executor)?.status == .acknowledged)
        #expect(bot.service.withExchange { $0.ledger.position("BTCUSDT").amount.isZero && $0.openOrders(symbol: "BTCUSDT").isEmpty })
        let closing = bot.service.withExchange { exchange in exchange.orders.values.filter { $0.clientOrderId == (try? close.clientOrderID.value) } }
        #expect(closing.count == 1 && closing.first?.reduceOnly == true)
        // Nothing left: a second close is a no-op.
        _ = try command(bot, .closePosition, ["symbol": "BTCUSDT"])
        #expect(try bot.runNext(executor)?.result?["closed"] == "0")
    }

    @Test("leverage: set, and a value outside the venue's range is refused before any request, naming the field")
    func leverage() throws {
        let bot = try BotHarness()
        let executor = bot.executor()
        _ = try command(bot, .setLeverage, ["symbol": "BTCUSDT", "leverage": 7])
        #expect(try bot.runNext(executor)?.status == .acknowledged)
        #expect(bot.service.withExchange { $0.leverage(for: "BTCUSDT") } == 7)
        _ = try command(bot, .setLeverage, ["symbol": "BTCUSDT", "leverage": 500])
        let refused = try #require(try bot.runNext(executor))
        #expect(refused.status == .failed && refused.lastError?.contains("payload.leverage: must be a whole number from 1 to 125") == true)
        #expect(bot.service.withExchange { $0.leverage(for: "BTCUSDT") } == 7)
    }
}
