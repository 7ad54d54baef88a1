import AlphaCore
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
        // CHAOS_SEED=269246 replays one seed of a batch.
        if let one = ProcessInfo.processInfo.environment["CHAOS_SEED"].flatMap(UInt64.init) { return [one] }
        let runs = ProcessInfo.processInfo.environment["CHAOS_RUNS"].flatMap(Int.init) ?? 2
        return (1...max(1, runs)).map { UInt64($0) * 7919 }
    }

    /// Every fault the simulator can schedule, drawn from the seed on each request, order and event batch.
    static func scheduleFaults(_ world: BotWorld, seed: UInt64, probability: String) throws {
        try world.control("faults", #"{"fault":"schedule","seed":\#(seed),"probability":"\#(probability)","milliseconds":2500,"kinds":["http_5xx","unknown_after_execute","hang","rate_limit","drop_events","delay_events","reorder_events"]}"#)
    }

    /// Starts the bot and waits for its engine to run, so faults meet orders rather than a booting bot.
    final class Boots {
        let world: BotWorld
        let seed: UInt64
        private(set) var count = 0

        init(_ world: BotWorld, seed: UInt64) {
            self.world = world
            self.seed = seed
        }

        func start() throws {
            try world.startBot()
            count += 1
            let expected = count
            // With a 429, a 5xx or a hang on a fifth of all requests, a boot can take a while.
            #expect(eventually(within: 60) { self.world.count(.engineStarted) == expected }, "seed \(seed): the bot did not start")
        }
    }

    /// Zero duplicates: each order on the exchange has its own client id, an acknowledged command
    /// exactly one order and a failed one none. Returns the exchange's orders by client id.
    @discardableResult
    static func expectOneOrderPerCommand(_ world: BotWorld, _ commands: [Command], seed: UInt64) throws -> [String: Int] {
        var byClientID: [String: Int] = [:]
        for order in world.sim.withExchange({ Array($0.orders.values) }) { byClientID[order.clientOrderId, default: 0] += 1 }
        #expect(byClientID.values.allSatisfy { $0 == 1 }, "seed \(seed): a client id was used twice")
        for command in commands {
            let final = try #require(try world.commands.command(id: command.id))
            let count = byClientID[try command.clientOrderID.value] ?? 0
            #expect(count == (final.status == .acknowledged ? 1 : 0), "seed \(seed): command \(final.status) has \(count) orders")
        }
        return byClientID
    }

    @Test("no duplicates and exact money under seeded faults and SIGKILL", arguments: StoreKind.allCases, seeds)
    func chaos(kind: StoreKind, seed: UInt64) throws {
        try Self.chaos(try BotWorld(botArguments: Self.chaosArguments, store: kind), seed: seed)
    }

    @Test("on PostgreSQL restarted in the middle of the run, besides the faults and SIGKILL: no duplicates, trades one for one, money exact",
          arguments: seeds)
    func chaosWithDatabaseRestart(seed: UInt64) throws {
        let cluster = try ScratchPostgres()
        try Self.chaos(try BotWorld(botArguments: Self.chaosArguments, store: .postgresql, cluster: cluster), seed: seed) {
            // A fast shutdown cuts every connection, as a crash or a failover looks to a client.
            cluster.stop()
            usleep(500_000)
            try cluster.restart()
        }
    }

    static let chaosArguments = ["--not-found-grace-ms", "800", "--reconcile-ms", "1000", "--rest-timeout-ms", "1500"]

    /// The run: 12 orders under seeded faults, two SIGKILLs and two funding payments at seeded
    /// moments, and `interruptDatabase` (when given) once, at a seeded moment too.
    static func chaos(_ world: BotWorld, seed: UInt64, interruptDatabase: (() throws -> Void)? = nil) throws {
        var random = SeededGenerator(seed: seed)

        // Every fault the simulator can schedule, drawn from the seed on each request, order and
        // event batch; funding is paid twice and the bot dies twice, all at seeded moments.
        try Self.scheduleFaults(world, seed: seed, probability: "0.2")
        // Each start waits for the engine to run, so faults meet orders rather than a booting bot.
        let boots = Boots(world, seed: seed)
        func start() throws { try boots.start() }
        try start()
        let orders = 12
        let kills = Set([Int(random.next() % UInt64(orders)), Int(random.next() % UInt64(orders))])
        let fundings = Set([Int(random.next() % UInt64(orders)), Int(random.next() % UInt64(orders))])
        let interruption = Int(random.next() % UInt64(orders))
        var placed: [Command] = []
        for index in 0..<orders {
            let quantity = Amount(Int(random.next() % 8) + 2) * Amount("0.001")!
            let side = random.next() % 2 == 0 ? "BUY" : "SELL"
            // The web's insert is retried as a client would while the database is coming back.
            var inserted: Command?
            _ = eventually(within: 30) { inserted = try? world.order(side, quantity: quantity.description, actor: .strategy); return inserted != nil }
            let command = try #require(inserted, "seed \(seed): the command could not be inserted")
            placed.append(command)
            // Let the bot take it up (or die with it in flight), then go on after a random pause.
            _ = eventually(within: 10) { ((try? world.commands.command(id: command.id)) ?? nil)?.status != .new }
            usleep(UInt32(random.next() % 150_000))
            if fundings.contains(index) { world.sim.fund(rate: Amount("0.0001")!) }
            if kills.contains(index) {
                world.stopBot(SIGKILL)
                try start()
            }
            if index == interruption, let interruptDatabase { try interruptDatabase() }
        }
        // Calm: faults off, then wait until every command is settled and a reconcile has run.
        try world.control("faults", method: "DELETE")
        let settled = eventually(within: 60) {
            placed.allSatisfy { [.acknowledged, .failed].contains(((try? world.commands.command(id: $0.id)) ?? nil)?.status) }
        }
        #expect(settled, "seed \(seed): commands still pending")
        let reconcile = try world.command(.runReconcile, actor: .system)
        #expect(world.settled(reconcile, within: 30)?.status == .acknowledged)
        world.stopBot()

        // 1. Zero duplicates: each order on the exchange belongs to exactly one command, and an
        //    acknowledged command has exactly one order, a failed one none.
        let exchangeOrders = world.sim.withExchange { Array($0.orders.values) }
        let byClientID = try Self.expectOneOrderPerCommand(world, placed, seed: seed)
        #expect(exchangeOrders.count == byClientID.count)

        // 2. Fills one for one; 3. position, balance, realized PnL, fees and funding exact.
        #expect(world.storedTradeIDs() == world.ledgerTradeIDs(), "seed \(seed): trades differ")
        #expect(world.moneyAgrees(), "seed \(seed): money differs from the ledger: \(world.moneyReport())")
        #expect(world.count(.fundingApplied) == world.sim.withExchange { $0.ledger.income.filter { $0.kind == .fundingFee }.count })
        // Only our own orders traded: nothing may pass for someone else's, however the faults fell.
        #expect(world.count(.quarantineStarted) == 0, "seed \(seed): a quarantine without outside activity: \(world.stored(.quarantineStarted).map(\.payload))")

        // What this seed did, so a batch's report says how hard it was.
        let finals = placed.compactMap { (try? world.commands.command(id: $0.id)) ?? nil }
        let refusals = world.sim.rateLimitRefusals
        print("chaos seed \(seed): \(finals.filter { $0.status == .acknowledged }.count) placed "
            + "(\(finals.filter { $0.result?["resolvedBy"] == "query" }.count) resolved by query), "
            + "\(finals.filter { $0.status == .failed }.count) failed, \(kills.count) SIGKILLs, \(refusals.tooMany) × 429, "
            + "\(refusals.banned) × 418, \(world.ledgerTradeIDs().count) trades, \(world.count(.fundingApplied)) funding, "
            + "\(world.count(.driftDetected)) drifts corrected")
        for command in finals where command.status != .acknowledged {
            print("  \(command.status.rawValue) \(command.id): \(command.lastError ?? "-")")
        }
        if ProcessInfo.processInfo.environment["CHAOS_LOG"] != nil { print(world.log) }
    }

    @Test("with the strategy and the risk guard in the loop: zigzag candles, seeded faults and SIGKILL; no duplicates, no candle twice, money exact",
          arguments: seeds)
    func chaosWithStrategy(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let world = try StrategyWorld(botArguments: ["--not-found-grace-ms", "800", "--reconcile-ms", "1000", "--rest-timeout-ms", "1500"])
        try world.configure {
            $0.strategyName = "sma_cross"
            $0.strategyTimeframe = "1m"
            $0.strategyParams = ["fast": 2, "slow": 3, "quantity": "0.01", "stop_pct": "0.02", "direction": "both"]
            $0.maxPosition = Amount("0.01")
        }
        // A tenth of requests fail here, not a fifth: a reconcile needs every one of its requests to
        // succeed, and the strategy waits for one before it trades.
        // Three up, three down, over and over: a cross every few candles, long and short.
        try world.path(StrategyWorld.zigzag(60))
        try Self.scheduleFaults(world.world, seed: seed, probability: "0.1")
        let boots = Boots(world.world, seed: seed)
        func start() throws { try boots.start() }
        try start()
        let kills = Set([Int(random.next() % 40), Int(random.next() % 40)])
        for index in 0..<40 {
            world.closeCandle()
            usleep(UInt32(200_000 + random.next() % 300_000))
            if kills.contains(index) {
                world.world.stopBot(SIGKILL)
                try start()
            }
        }
        // Calm: faults off, every command settled, a reconcile run.
        try world.world.control("faults", method: "DELETE")
        #expect(eventually(within: 60) { world.settled }, "seed \(seed): commands still pending")
        let reconcile = try world.world.command(.runReconcile, actor: .system)
        #expect(world.world.settled(reconcile, within: 30)?.status == .acknowledged)
        world.world.stopBot()

        // Zero duplicates: one order per client id, one per acknowledged order command, none per failed one.
        let exchangeOrders = world.world.sim.withExchange { Array($0.orders.values) }
        let orderCommands = try world.world.commands.list(status: nil, type: .placeOrder, limit: 10_000)
        #expect(orderCommands.allSatisfy { $0.actor.kind == .strategy })
        let byClientID = try Self.expectOneOrderPerCommand(world.world, orderCommands, seed: seed)
        #expect(exchangeOrders.count == byClientID.count && exchangeOrders.count == orderCommands.filter { $0.status == .acknowledged }.count)
        // No candle twice; never more than the risk guard allows.
        let times = world.evaluations().map(\.candleOpenTime)
        #expect(Set(times).count == times.count, "seed \(seed): a candle was evaluated twice")
        #expect(world.world.sim.withExchange { $0.ledger.position("BTCUSDT").amount.magnitude } <= Amount("0.01")!)
        #expect(world.world.storedTradeIDs() == world.world.ledgerTradeIDs(), "seed \(seed): trades differ")
        #expect(world.world.moneyAgrees(), "seed \(seed): money differs from the ledger: \(world.world.moneyReport())")
        #expect(world.world.count(.quarantineStarted) == 0, "seed \(seed): a quarantine without outside activity")
        print("chaos with strategy, seed \(seed): \(times.count) candles evaluated, \(world.decisions().count) decisions, "
            + "\(orderCommands.count) order commands (\(orderCommands.filter { $0.status == .failed }.count) failed), "
            + "\(exchangeOrders.count) orders, \(world.world.ledgerTradeIDs().count) trades, \(kills.count) SIGKILLs, "
            + "risk refusals \(world.rejections().map(\.rule))")
        if ProcessInfo.processInfo.environment["CHAOS_LOG"] != nil { print(world.world.log) }
    }

    @Test("with orders placed by hand at random moments too: ours never duplicated, the outside ones never touched, the quarantine holds, our part of the position and the money exact",
          arguments: seeds)
    func chaosWithOutsideOrders(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed &+ 1)
        let world = try BotWorld(botArguments: ["--not-found-grace-ms", "800", "--reconcile-ms", "1000", "--rest-timeout-ms", "1500"])
        try Self.scheduleFaults(world, seed: seed, probability: "0.2")
        let boots = Boots(world, seed: seed)
        func start() throws { try boots.start() }
        try start()
        let orders = 12
        let kills = Set([Int(random.next() % UInt64(orders)), Int(random.next() % UInt64(orders))])
        let outside = Set([Int(random.next() % UInt64(orders)), Int(random.next() % UInt64(orders)), Int(random.next() % UInt64(orders))])
        var placed: [Command] = []
        var resting: [String] = []
        var filled: [String] = []
        for index in 0..<orders {
            // A user's orders: users outrank the quarantine, so they keep trading through it.
            let quantity = Amount(Int(random.next() % 8) + 3) * Amount("0.001")!
            let command = try world.order(random.next() % 2 == 0 ? "BUY" : "SELL", quantity: quantity.description)
            placed.append(command)
            _ = eventually(within: 10) { ((try? world.commands.command(id: command.id)) ?? nil)?.status != .new }
            usleep(UInt32(random.next() % 150_000))
            if outside.contains(index) {
                // By hand: a market order that fills, and a limit that rests far from the market.
                filled.append(try world.outsideOrder(random.next() % 2 == 0 ? "BUY" : "SELL", quantity: "0.004"))
                resting.append(random.next() % 2 == 0 ? try world.outsideOrder("BUY", quantity: "0.003", limit: "45000")
                                                        : try world.outsideOrder("SELL", quantity: "0.003", limit: "55000"))
            }
            if kills.contains(index) {
                world.stopBot(SIGKILL)
                try start()
            }
        }
        try world.control("faults", method: "DELETE")
        #expect(eventually(within: 60) {
            placed.allSatisfy { [.acknowledged, .failed].contains(((try? world.commands.command(id: $0.id)) ?? nil)?.status) }
        }, "seed \(seed): commands still pending")
        let reconcile = try world.command(.runReconcile, actor: .system)
        #expect(world.settled(reconcile, within: 30)?.status == .acknowledged)
        // The position check runs after the reconcile: give it its turn before stopping.
        #expect(eventually(within: 10) { world.quarantine() != nil }, "seed \(seed): no quarantine for the outside orders")
        world.stopBot()

        let exchangeOrders = world.sim.withExchange { Array($0.orders.values) }
        try Self.expectOneOrderPerCommand(world, placed, seed: seed)
        // Nothing outside was touched: the resting ones still rest, the market ones filled.
        #expect(resting.count == outside.count && filled.count == outside.count && !resting.contains("") && !filled.contains(""))
        let status = { (id: String) in exchangeOrders.first { $0.clientOrderId == id }?.status.rawValue ?? "missing" }
        #expect(resting.allSatisfy { status($0) == "NEW" } && filled.allSatisfy { status($0) == "FILLED" },
                "seed \(seed): \(resting.map(status)) \(filled.map(status))")
        // Our part of the position is exactly our fills on the ledger; the rest is someone else's.
        let ledger = world.sim.withExchange { $0.ledger.trades }
        let ours = Set(exchangeOrders.filter { $0.clientOrderId.hasPrefix("ae-") }.map(\.orderId))
        let ownedOnLedger = ledger.filter { ours.contains($0.orderId) }.reduce(Amount.zero) { $0 + ($1.side == .buy ? $1.quantity : -$1.quantity) }
        #expect(world.projection().ownedAmount("BTCUSDT") == ownedOnLedger, "seed \(seed): \(world.projection().ownedAmount("BTCUSDT")) vs \(ownedOnLedger)")
        #expect(world.storedTradeIDs() == world.ledgerTradeIDs(), "seed \(seed): trades differ")
        #expect(world.moneyAgrees(), "seed \(seed): money differs from the ledger: \(world.moneyReport())")
        print("chaos with outside orders, seed \(seed): \(placed.count) ours, \(outside.count * 2) outside, "
            + "\(world.count(.quarantineStarted)) quarantine(s), owned \(ownedOnLedger), position \(world.sim.withExchange { $0.ledger.position("BTCUSDT").amount })")
        if ProcessInfo.processInfo.environment["CHAOS_LOG"] != nil { print(world.log) }
    }
}
