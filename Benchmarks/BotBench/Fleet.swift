import AlphaCore
import AlphaStore
import AlphaTestSupport
import Foundation

// Issue 19's figures: the bot on PostgreSQL against SQLite (`ONLY=postgres`), and a fleet of bots
// on one PostgreSQL on this machine (`ONLY=fleet`). Figures, never assertions.

/// A PostgreSQL cluster of the benchmark's own, durable as a server runs it.
nonisolated(unsafe) let benchCluster: ScratchPostgres = {
    do {
        return try ScratchPostgres(settings: ScratchPostgres.durable)
    } catch {
        die("PostgreSQL: \(error)")
    }
}()

func placeOrder(_ index: Int, quantity: String = "0.010") -> Command {
    Command(type: .placeOrder, actor: Actor(kind: .user, id: "bench"), scope: Scope(on: .binanceUSDM, mode: .sim),
            payload: ["symbol": "BTCUSDT", "side": .string(index % 2 == 0 ? "BUY" : "SELL"), "type": "MARKET", "quantity": .string(quantity)])
}

/// Command inserted → ACK, one at a time, on the bot of `bench`; milliseconds each.
func commandToAck(_ bench: Bench, commands: any CommandQueue, orders: Int) throws -> [Double] {
    var latencies: [Double] = []
    for index in 0..<orders {
        let command = placeOrder(index)
        let start = nowMicros()
        _ = try commands.insert(command)
        guard waitMicros({ ((try? commands.command(id: command.id)) ?? nil)?.status == .acknowledged }) != nil else { die("no ACK for \(index)") }
        latencies.append(Double(nowMicros() - start) / 1000)
    }
    return latencies
}

/// The same orders through the real bot on each store, one after the other.
func comparePostgres(orders: Int) throws {
    say("command → ACK, \(orders) market orders one at a time, the real bot (release) against the simulator:")
    var medians: [String: Double] = [:]
    for engine in ["SQLite", "PostgreSQL"] {
        let bench = try Bench()
        let storage: any Storage
        if engine == "PostgreSQL" {
            let url = try benchCluster.database()
            bench.storageURL = url
            storage = try PostgresBackend(url: url).open()
        } else {
            storage = try SQLiteBackend(path: bench.databasePath).open(memory: .lean)
        }
        _ = try bench.startBot(["--reconcile-ms", "30000"])
        guard waitMicros(timeoutSeconds: 20, { ((try? storage.events.count()) ?? 0) > 0 && bench.sim.streamSessionCount > 0 }) != nil else {
            die("the bot did not start on \(engine)")
        }
        usleep(300_000)
        let latencies = try commandToAck(bench, commands: storage.commands, orders: orders)
        report("  \(engine)", latencies, target: 500)
        medians[engine] = percentile(latencies, 0.5)
        bench.stopBot()
    }
    say(String(format: "  PostgreSQL p50 / SQLite p50: %.2f×", medians["PostgreSQL"]! / medians["SQLite"]!))
}

/// CPU seconds (user + system) a process and its children have used, from /proc.
func cpuSeconds(of root: Int32) -> Double {
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    var total = 0.0
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
        guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { continue }
        // Fields after "(comm)": state ppid … utime (14th overall) stime (15th).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let parent = Int32(fields[1]), pid == root || parent == root,
              let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
        total += (user + system) / ticks
    }
    return total
}

/// `size` bots, each with its simulator and its own database on one PostgreSQL, each sent a
/// market order a second for `seconds`; a probe commits an event every 20 ms beside them.
func fleet(sizes: [Int], seconds: Int) throws {
    guard let server = benchCluster.serverPID else { die("PostgreSQL is not running") }
    say("fleet on one PostgreSQL (\(benchCluster.settings.joined(separator: " "))), \(ProcessInfo.processInfo.activeProcessorCount) cores; "
        + "each bot: its own simulator and database, a market order a second for \(seconds) s")
    for size in sizes {
        var benches: [Bench] = []
        var storages: [any Storage] = []
        for _ in 0..<size {
            let bench = try Bench()
            let url = try benchCluster.database()
            bench.storageURL = url
            storages.append(try PostgresBackend(url: url).open())
            _ = try bench.startBot(["--reconcile-ms", "30000"])
            benches.append(bench)
        }
        for (index, bench) in benches.enumerated() {
            guard waitMicros(timeoutSeconds: 120, { ((try? storages[index].events.count()) ?? 0) > 0 && bench.sim.streamSessionCount > 0 }) != nil else {
                die("bot \(index) of \(size) did not start")
            }
        }
        sleep(2)  // the boot reconciles are done
        let probe = try EventWriter(database: (try PostgresBackend(url: try benchCluster.database()).open() as! PostgresStorage).connection)
        var factory = EventFactory(seed: UInt64(size))
        let eventsBefore = try storages.reduce(Int64(0)) { $0 + (try $1.events.lastSeq()) }
        let serverBefore = cpuSeconds(of: server)
        let botsBefore = benches.reduce(0.0) { $0 + cpuSeconds(of: $1.bot!.processIdentifier) }
        var commits: [Double] = []
        var placed: [(Int, Command)] = []
        let start = nowMicros()
        var next = 0
        while nowMicros() - start < Int64(seconds) * 1_000_000 {
            // Each bot's order for this second, spread over it; the probe commits in between.
            let due = Int((nowMicros() - start) * Int64(size) / 1_000_000)
            while next <= due {
                let bot = next % size
                let command = placeOrder(next / size, quantity: "0.002")
                _ = try storages[bot].commands.insert(command)
                placed.append((bot, command))
                next += 1
            }
            let before = nowMicros()
            try probe.append(factory.next())
            commits.append(Double(nowMicros() - before) / 1000)
            usleep(20_000)
        }
        // Every order settled, then the books closed.
        for (bot, command) in placed {
            guard waitMicros(timeoutSeconds: 60, {
                let status = ((try? storages[bot].commands.command(id: command.id)) ?? nil)?.status
                return status == .acknowledged || status == .failed
            }) != nil else { die("an order of bot \(bot) never settled") }
        }
        let elapsed = Double(nowMicros() - start) / 1e6
        let serverCPU = cpuSeconds(of: server) - serverBefore
        let botsCPU = benches.reduce(0.0) { $0 + cpuSeconds(of: $1.bot!.processIdentifier) } - botsBefore
        let events = try storages.reduce(Int64(0)) { $0 + (try $1.events.lastSeq()) } - eventsBefore + Int64(commits.count)
        // The bots' own command → ACK, from the queue's times (inserted, settled), to the millisecond.
        var acks: [Double] = []
        var failed = 0
        for (bot, command) in placed {
            guard let settled = try storages[bot].commands.command(id: command.id) else { continue }
            if settled.status == .failed { failed += 1 }
            acks.append(Double(settled.updatedAt.millisecondsSinceEpoch - command.ts.millisecondsSinceEpoch))
        }
        say("\n\(size) bots, \(placed.count) orders (\(failed) failed) in \(String(format: "%.0f", elapsed)) s; \(events) events committed "
            + String(format: "(%.0f/s)", Double(events) / elapsed))
        report("  probe commit (1 event + projection)", commits)
        report("  command → ACK (bots)", acks, target: 500)
        say(String(format: "  PostgreSQL server CPU: %.2f s = %.0f µs per event (%.0f %% of one core); bots' CPU %.2f s = %.0f µs per event",
                   serverCPU, serverCPU / Double(events) * 1e6, serverCPU / elapsed * 100, botsCPU, botsCPU / Double(events) * 1e6))
        for bench in benches { bench.stopBot() }
    }
}
