import AlphaCore
import AlphaHTTP
import AlphaSettings
import AlphaSim
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// Orders flow while the simulator injects seeded faults and the bot is SIGKILLed at random
/// moments. After convergence: no duplicate orders, every fill stored once, money exact.
/// CI runs `CHAOS_RUNS` seeds (default 2); `CHAOS_RUNS=200 swift test --filter ChaosTests` runs more.
@Suite("Chaos: faults and SIGKILL while orders flow", .serialized)
struct ChaosTests {
    static var seeds: [UInt64] {
        let runs = ProcessInfo.processInfo.environment["CHAOS_RUNS"].flatMap(Int.init) ?? 2
        return (1...max(1, runs)).map { UInt64($0) * 7919 }
    }

    final class Bot {
        var process: Process?
        let arguments: [String]
        let environment: [String: String]

        init(sim: SimService, port: UInt16, directory: String) {
            arguments = ["bot", "--data-dir", directory, "--not-found-grace-ms", "800", "--reconcile-ms", "1000"]
            environment = ["PATH": "/usr/bin:/bin", "ALPHAENGINE_REST_URL": "http://127.0.0.1:\(port)",
                           "ALPHAENGINE_WS_URL": "ws://127.0.0.1:\(port)", "ALPHAENGINE_SIM_API_KEY": sim.configuration.apiKey,
                           "ALPHAENGINE_SIM_API_SECRET": sim.configuration.apiSecret]
        }

        func start() throws {
            let process = Process()
            process.executableURL = BuiltExecutable.url("alphaengine")
            process.arguments = arguments
            process.environment = environment
            process.standardError = FileHandle.nullDevice
            try process.run()
            self.process = process
        }

        func kill(_ signal: Int32) {
            guard let process else { return }
            Glibc.kill(process.processIdentifier, signal)
            process.waitUntilExit()
            self.process = nil
        }
    }

    @Test("no duplicates and exact money under seeded faults and SIGKILL", arguments: seeds)
    func chaos(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var configuration = SimConfiguration.randomKeys()
        configuration.initialBalance = Amount("100000")!
        let sim = SimService(configuration: configuration)
        let server = HTTPServer(handler: sim.router.handler)
        try server.start()
        defer { server.shutdown() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-\(seed)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try Database.openMigrated(path: databasePath(dataDirectory: directory, mode: .sim))
        let commands = CommandStore(database: database)
        let bot = Bot(sim: sim, port: server.port, directory: directory)

        // Faults drawn from the seed on every order and event; the bot dies twice mid-flow.
        try control(server.port, sim, #"{"fault":"schedule","seed":\#(seed),"probability":"0.25","kinds":["http_5xx","unknown_after_execute","drop_events"]}"#)
        try bot.start()
        let orders = 12
        let kills = Set([Int(random.next() % UInt64(orders)), Int(random.next() % UInt64(orders))])
        var placed: [Command] = []
        for index in 0..<orders {
            let quantity = Amount(Int(random.next() % 8) + 2) * Amount("0.001")!
            let side = random.next() % 2 == 0 ? "BUY" : "SELL"
            placed.append(try commands.insert(Command(type: .placeOrder, actor: Actor(kind: .strategy, id: "chaos"), scope: Scope(mode: .sim),
                                                      payload: ["symbol": "BTCUSDT", "side": .string(side), "type": "MARKET",
                                                                "quantity": .string(quantity.description)])).command)
            usleep(UInt32(random.next() % 150_000))
            if kills.contains(index) {
                bot.kill(SIGKILL)
                try bot.start()
            }
        }
        // Calm: faults off, then wait until every command is settled and a reconcile has run.
        try control(server.port, sim, "", method: "DELETE")
        let settled = eventually(within: 60) {
            placed.allSatisfy { [.acknowledged, .failed].contains(((try? commands.command(id: $0.id)) ?? nil)?.status) }
        }
        #expect(settled, "seed \(seed): commands still pending")
        let reconcile = try commands.insert(Command(type: .runReconcile, actor: Actor(kind: .system, id: "chaos"), scope: Scope(mode: .sim))).command
        #expect(eventually(within: 30) { ((try? commands.command(id: reconcile.id)) ?? nil)?.status == .acknowledged })
        bot.kill(SIGTERM)

        // 1. Zero duplicates: each order on the exchange belongs to exactly one command, and an
        //    acknowledged command has exactly one order, a failed one none.
        let exchangeOrders = sim.withExchange { Array($0.orders.values) }
        var byClientID: [String: Int] = [:]
        for order in exchangeOrders { byClientID[order.clientOrderId, default: 0] += 1 }
        #expect(byClientID.values.allSatisfy { $0 == 1 }, "seed \(seed): a client id was used twice")
        for command in placed {
            let final = try #require(try commands.command(id: command.id))
            let count = byClientID[try command.clientOrderID.value] ?? 0
            #expect(count == (final.status == .acknowledged ? 1 : 0), "seed \(seed): command \(final.status) has \(count) orders")
        }
        #expect(exchangeOrders.count == byClientID.count)

        // 2. Fills one for one, 3. money exact.
        let writer = try EventWriter(database: database)
        let stored = try writer.events.events(matching: EventFilter(types: [.tradeExecuted]), limit: 10_000)
        let ledger = sim.withExchange { $0.ledger }
        let storedIDs = stored.compactMap { event -> Int64? in if case .number(let text)? = event.payload["tradeId"] { Int64(text) } else { nil } }
        #expect(storedIDs.sorted() == ledger.trades.map(\.id).sorted(), "seed \(seed): trades differ")
        let totals = writer.state.pnl.values.reduce(PnLTotals()) { sum, day in
            PnLTotals(realizedPnl: sum.realizedPnl + day.realizedPnl, fees: sum.fees + day.fees, funding: sum.funding + day.funding, trades: sum.trades + day.trades)
        }
        #expect(totals.realizedPnl == ledger.trades.reduce(Amount.zero) { $0 + $1.realizedPnl })
        #expect(totals.fees == ledger.trades.reduce(Amount.zero) { $0 + $1.commission })
        #expect(writer.state.positions["BTCUSDT"]?.amount ?? .zero == ledger.position("BTCUSDT").amount)
        #expect(writer.state.balances["USDT"]?.walletBalance == ledger.walletBalance)
    }

    func control(_ port: UInt16, _ sim: SimService, _ body: String, method: String = "POST") throws {
        let client = try RawClient(port: port)
        try client.send("\(method) /sim/v1/faults HTTP/1.1\r\nHost: s\r\nAuthorization: Bearer \(sim.configuration.controlToken)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        _ = try client.readResponse()
    }
}
