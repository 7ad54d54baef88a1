import AlphaCore
import AlphaSim
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// The chaos run of `ChaosTests` on Upbit (issue 18): orders flow through the real bot while the
/// Upbit simulator answers 5xx after executing, hangs past the client's timeout, refuses with
/// 429, fails requests and drops private-stream messages, all drawn from a seed, and the bot is
/// SIGKILLed twice. After convergence: no identifier on two orders, fills one for one, KRW, BTC
/// and fees equal to Upbit's ledger to the won and the satoshi. `CHAOS_RUNS` seeds (default 2).
@Suite("Chaos on Upbit: faults and SIGKILL while orders flow", .serialized)
struct UpbitChaosTests {
    @Test("no duplicates and exact money under seeded faults and SIGKILL", arguments: ChaosTests.seeds)
    func chaos(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        let world = try UpbitBotWorld()
        world.botArguments = ["--not-found-grace-ms", "800", "--reconcile-ms", "1000", "--rest-timeout-ms", "1500"]
        var boots = 0
        func start() throws {
            try world.startBot()
            boots += 1
            let expected = boots
            #expect(eventually(within: 60) { world.stored(.engineStarted).count == expected }, "seed \(seed): the bot did not start")
        }
        try start()
        // Coin to sell before the faults begin.
        let first = try #require(world.settled(try world.order("BUY", quantity: "0.02")))
        #expect(first.status == .acknowledged)
        try world.control("faults", #"{"fault":"schedule","seed":\#(seed),"probability":"0.2","milliseconds":2500,"kinds":["http_5xx","unknown_after_execute","hang","rate_limit","drop_events"]}"#)

        let orders = 12
        let kills = Set([Int(random.next() % UInt64(orders)), Int(random.next() % UInt64(orders))])
        var placed: [Command] = [first]
        for index in 0..<orders {
            let quantity = Amount(Int(random.next() % 8) + 2) * Amount("0.001")!
            let side = random.next() % 2 == 0 ? "BUY" : "SELL"
            let command = try world.order(side, quantity: quantity.description)
            placed.append(command)
            _ = eventually(within: 10) { ((try? world.commands.command(id: command.id)) ?? nil)?.status != .new }
            usleep(UInt32(random.next() % 150_000))
            if index % 4 == 3 { world.sim.setPrice(Amount(140_000_000 + Int(random.next() % 200) * 10_000), market: "KRW-BTC") }
            if kills.contains(index) {
                world.stopBot(SIGKILL)
                try start()
            }
        }
        // Calm: faults off, every command settled, a reconcile run.
        try world.control("faults", method: "DELETE")
        #expect(eventually(within: 60) {
            placed.allSatisfy { [.acknowledged, .failed].contains(((try? world.commands.command(id: $0.id)) ?? nil)?.status) }
        }, "seed \(seed): commands still pending")
        let reconcile = try world.command(.runReconcile, actor: .system)
        #expect(world.settled(reconcile, within: 30)?.status == .acknowledged)
        #expect(eventually(within: 15) { world.moneyAgrees() && world.storedTradeIDs() == world.ledgerTradeIDs() },
                "seed \(seed): \(world.moneyReport()); trades \(world.storedTradeIDs().count) vs \(world.ledgerTradeIDs().count)")
        world.stopBot()

        // Zero duplicates: an identifier on one order at most; acknowledged, exactly one; failed, none.
        var byIdentifier: [String: Int] = [:]
        for identifier in world.sim.withExchange({ $0.orders.values.compactMap(\.identifier) }) { byIdentifier[identifier, default: 0] += 1 }
        #expect(byIdentifier.values.allSatisfy { $0 == 1 }, "seed \(seed): an identifier was used twice")
        var finals: [Command] = []
        for command in placed {
            let final = try #require(try world.commands.command(id: command.id))
            finals.append(final)
            let count = byIdentifier[try command.clientOrderID.value] ?? 0
            #expect(count == (final.status == .acknowledged ? 1 : 0), "seed \(seed): command \(final.status) has \(count) orders: \(final.lastError ?? "")")
        }
        #expect(world.stored(.quarantineStarted).isEmpty, "seed \(seed): a quarantine without outside activity")
        print("upbit chaos seed \(seed): \(finals.filter { $0.status == .acknowledged }.count) placed "
            + "(\(finals.filter { $0.result?["resolvedBy"] == "query" }.count) resolved by query), "
            + "\(finals.filter { $0.status == .failed }.count) failed, \(kills.count) SIGKILLs, \(world.ledgerTradeIDs().count) trades")
        for command in finals where command.status != .acknowledged { print("  \(command.status.rawValue) \(command.id): \(command.lastError ?? "-")") }
    }
}
