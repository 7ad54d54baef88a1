import AlphaCore
import AlphaHTTP
import AlphaSettings
import AlphaSim
import AlphaStore
import AlphaTestSupport
import Foundation

// `make bench-bot`: the bot's latencies and footprint, measured on the real `alphaengine bot`
// process (release build) against the simulator on loopback, through the shared SQLite file as
// the web process sees it. Figures and ratios to the issue's targets, never assertions.
//
//   alphaengine-bot-bench [ORDERS] [BOOT_EVENTS]   (defaults 200 and 1 000 000)

let orders = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 200
let bootEvents = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2])! : 1_000_000

/// Unbuffered, so each figure shows as soon as it is measured.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

/// Bot processes to kill if the benchmark has to give up, so none is left running.
nonisolated(unsafe) var botsRunning: Set<Int32> = []

nonisolated(unsafe) var botLogs: Set<String> = []

func die(_ message: String) -> Never {
    for pid in botsRunning { kill(pid, SIGKILL) }
    for path in botLogs { FileHandle.standardError.write(Data("--- \(path)\n\((try? String(contentsOfFile: path, encoding: .utf8)) ?? "")".utf8)) }
    FileHandle.standardError.write(Data("alphaengine-bot-bench: \(message)\n".utf8))
    exit(1)
}

func nowMicros() -> Int64 { Int64(DispatchTime.now().uptimeNanoseconds / 1_000) }

func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func report(_ label: String, _ millis: [Double], target: Double? = nil) {
    let padded = label.padding(toLength: 50, withPad: " ", startingAt: 0)
    var line = String(format: "%@ p50 %8.2f ms   p99 %8.2f ms   max %8.2f ms   (n=%d)", padded, percentile(millis, 0.5),
                      percentile(millis, 0.99), millis.max()!, millis.count)
    if let target { line += String(format: "   target p99 < %.0f ms → %.1f× headroom", target, target / percentile(millis, 0.99)) }
    say(line)
}

/// Spins until `condition` holds, checking every 100 µs; returns microseconds waited.
func waitMicros(timeoutSeconds: Double = 30, _ condition: () -> Bool) -> Int64? {
    let start = nowMicros()
    while !condition() {
        if nowMicros() - start > Int64(timeoutSeconds * 1e6) { return nil }
        usleep(100)
    }
    return nowMicros() - start
}

/// Resident memory of a process in KiB: total, peak, and the part that is the process's own
/// (anonymous) rather than pages of the memory-mapped database file.
func residentKilobytes(_ pid: Int32) -> (rss: Int, peak: Int, anonymous: Int, file: Int) {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    func field(_ name: String) -> Int {
        status.split(separator: "\n").first { $0.hasPrefix(name) }.flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true)[1]) } ?? 0
    }
    return (field("VmRSS:"), field("VmHWM:"), field("RssAnon:"), field("RssFile:"))
}

/// A simulator, a data directory and the bot process.
final class Bench {
    let sim: SimService
    let server: HTTPServer
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alphaengine-bot-bench-\(UUID().uuidString)").path
    let databasePath: String
    /// A PostgreSQL database instead of the SQLite file (`storage:` for the bot).
    var storageURL: String?
    var bot: Process?

    init() throws {
        var configuration = SimConfiguration.randomKeys()
        configuration.initialBalance = Amount("10000000")!
        configuration.ordersPerTenSeconds = 100_000
        configuration.ordersPerMinute = 100_000
        sim = SimService(configuration: configuration)
        server = HTTPServer(handler: sim.router.handler)
        try server.start()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        databasePath = AlphaSettings.databasePath(dataDirectory: directory, mode: .sim)
    }

    func startBot(_ extra: [String] = []) throws -> Process {
        let process = Process()
        process.executableURL = BuiltExecutable.url("alphaengine")
        process.arguments = ["bot", "--data-dir", directory] + extra
        process.environment = [
            "PATH": "/usr/bin:/bin",
            "ALPHAENGINE_REST_URL": "http://127.0.0.1:\(server.port)", "ALPHAENGINE_WS_URL": "ws://127.0.0.1:\(server.port)",
            "ALPHAENGINE_SIM_API_KEY": sim.configuration.apiKey, "ALPHAENGINE_SIM_API_SECRET": sim.configuration.apiSecret,
        ]
        if let storageURL { process.environment?["ALPHAENGINE_STORAGE"] = storageURL }
        // The bot's log goes to a file, shown if the benchmark has to give up.
        let logPath = directory + "/bot.log"
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardError = log
        botLogs.insert(logPath)
        try process.run()
        bot = process
        botsRunning.insert(process.processIdentifier)
        return process
    }

    func stopBot() {
        guard let bot else { return }
        kill(bot.processIdentifier, SIGTERM)
        bot.waitUntilExit()
        botsRunning.remove(bot.processIdentifier)
        self.bot = nil
    }

    /// The runtime configuration the bot starts with.
    func configure(_ edit: (inout RuntimeConfig) -> Void) throws {
        let store = ConfigStore(database: try Database.openMigrated(path: databasePath))
        let current = try store.runtime()
        var config = current.value
        edit(&config)
        try store.updateRuntime(config, expectedVersion: current.version, by: "bench")
    }

    func control(_ path: String, _ body: String) throws {
        let client = try RawClient(port: server.port)
        try client.send("POST /sim/v1/\(path) HTTP/1.1\r\nHost: s\r\nAuthorization: Bearer \(sim.configuration.controlToken)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        _ = try client.readResponse()
    }

    deinit {
        stopBot()
        server.shutdown()
        // BOT_BENCH_KEEP=1 keeps the data directories, to look at the stores afterwards.
        if ProcessInfo.processInfo.environment["BOT_BENCH_KEEP"] == nil { try? FileManager.default.removeItem(atPath: directory) }
    }
}

say("AlphaEngine bot benchmark — \(orders) orders, boot with \(bootEvents) events; \(ProcessInfo.processInfo.activeProcessorCount) cores\n")

/// `ONLY=orders|boot|strategy` runs one part.
let only = ProcessInfo.processInfo.environment["ONLY"]
func runs(_ part: String) -> Bool { only == nil || only == part }

// MARK: 1–3. Commands, fills over the stream, fills with the stream down

if runs("orders") {
    let bench = try Bench()
    let database = try Database.openMigrated(path: bench.databasePath)
    let commands = CommandStore(database: database)
    let events = EventStore(database: database)
    let bot = try bench.startBot(["--reconcile-ms", "30000"])
    guard waitMicros(timeoutSeconds: 20, { ((try? events.count()) ?? 0) > 0 && bench.sim.streamSessionCount > 0 }) != nil else {
        die("the bot did not start")
    }
    usleep(300_000)  // the boot reconcile is done

    // 1. Command inserted → order accepted by the exchange → ACK with the order in the projections.
    var toExchange: [Double] = []
    var toProjection: [Double] = []
    for index in 0..<orders {
        let command = Command(type: .placeOrder, actor: Actor(kind: .user, id: "bench"), scope: Scope(on: .binanceUSDM, mode: .sim),
                              payload: ["symbol": "BTCUSDT", "side": .string(index % 2 == 0 ? "BUY" : "SELL"), "type": "MARKET", "quantity": "0.010"])
        let before = bench.sim.withExchange { $0.orders.count }
        let start = nowMicros()
        _ = try commands.insert(command)
        guard let accepted = waitMicros({ bench.sim.withExchange { $0.orders.count } > before }) else { die("order \(index) never reached the exchange") }
        guard waitMicros({ ((try? commands.command(id: command.id)) ?? nil)?.status == .acknowledged }) != nil else { die("no ACK for \(index)") }
        toExchange.append(Double(accepted) / 1000)
        toProjection.append(Double(nowMicros() - start) / 1000)
    }
    report("command → order accepted by the exchange", toExchange)
    report("command → ACK + order in projections", toProjection, target: 500)

    // 2. A fill on the exchange → its TradeExecuted committed (and readable by the web).
    // Resting limit orders one tick apart; each price step fills exactly one.
    let restingCount = min(orders, 200)
    for index in 0..<restingCount {
        let price = Amount(49_990 - index * 10)
        let command = Command(type: .placeOrder, actor: Actor(kind: .user, id: "bench"), scope: Scope(on: .binanceUSDM, mode: .sim),
                              payload: ["symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.003",
                                        "price": .string(price.description)])
        _ = try commands.insert(command)
        guard waitMicros({ ((try? commands.command(id: command.id)) ?? nil)?.status == .acknowledged }) != nil else { die("resting order \(index): \(String(describing: (try? commands.command(id: command.id)) ?? nil))") }
    }
    func trades() -> Int { (try? events.events(matching: EventFilter(types: [.tradeExecuted]), limit: 1_000_000).count) ?? 0 }
    // Polling asks the index for the newest trade's sequence number, so measuring costs next to nothing.
    let newestTrade = try database.statement("SELECT coalesce(max(seq), 0) FROM event_store WHERE event_type = 'TradeExecuted'")
    func newestTradeSeq() -> Int64 { ((try? newestTrade.firstRow { $0.int64(0) }) ?? nil) ?? 0 }
    var commit: [Double] = []
    for index in 0..<restingCount {
        let before = newestTradeSeq()
        let start = nowMicros()
        bench.sim.setPrice(Amount(49_990 - index * 10), for: "BTCUSDT")
        guard waitMicros({ newestTradeSeq() > before }) != nil else { die("fill \(index) never stored") }
        commit.append(Double(nowMicros() - start) / 1000)
    }
    report("exchange fill (stream) → event committed", commit, target: 5)

    // 3. The stream is down and its events lost: how long until REST brings the fill in.
    try bench.control("faults", #"{"fault":"drop_events","count":1000000}"#)
    try bench.control("streams/drop", "")
    var recovery: [Double] = []
    for index in 0..<5 {
        let before = trades()
        let command = Command(type: .placeOrder, actor: Actor(kind: .user, id: "bench"), scope: Scope(on: .binanceUSDM, mode: .sim),
                              payload: ["symbol": "BTCUSDT", "side": .string(index % 2 == 0 ? "SELL" : "BUY"), "type": "MARKET", "quantity": "0.003"])
        let start = nowMicros()  // a market order fills as it is placed
        _ = try commands.insert(command)
        guard waitMicros(timeoutSeconds: 60, { trades() > before }) != nil else { die("fill never recovered") }
        recovery.append(Double(nowMicros() - start) / 1000)
    }
    report("fill with the stream down → stored over REST", recovery, target: 30_000)
    let memory = residentKilobytes(bot.processIdentifier)
    say(String(format: "bot memory after %d orders: RSS %.1f MB (own %.1f, mapped files: binary, libraries, database %.1f), peak %.1f MB   target < 50 MB → %.1f× headroom",
                 orders + restingCount + 5, Double(memory.rss) / 1024, Double(memory.anonymous) / 1024, Double(memory.file) / 1024,
                 Double(memory.peak) / 1024, 50 * 1024 / Double(memory.peak)))
    bench.stopBot()
}

// MARK: PostgreSQL against SQLite, and a fleet on one PostgreSQL (issue 19); only when asked for.

if only == "postgres" { try comparePostgres(orders: orders) }
if only == "fleet" {
    let sizes = (ProcessInfo.processInfo.environment["FLEET"] ?? "10,50").split(separator: ",").compactMap { Int($0) }
    let seconds = Int(ProcessInfo.processInfo.environment["FLEET_SECONDS"] ?? "30") ?? 30
    try fleet(sizes: sizes, seconds: seconds)
}

// MARK: 4. Boot with a large store

if runs("boot") {
    let bench = try Bench()
    // About a year of trading: a minute at most between events, at most 20 orders open at a
    // time, so daily PnL buckets and finished orders pile up as they would; the bot keeps only
    // open and recent orders in memory.
    var factory = EventFactory(seed: 42, maxStepMilliseconds: 63_000, maxOpenOrders: 20)
    let buildStart = nowMicros()
    do {
        let writer = try EventWriter(database: try Database.openMigrated(path: bench.databasePath))
        var written = 0
        while written < bootEvents {
            let batch = (0..<min(1_000, bootEvents - written)).map { _ in factory.next() }
            try writer.append(batch)
            written += batch.count
        }
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: bench.databasePath)[.size] as? Int) ?? 0
    say("\nstore with \(bootEvents) events written in \(String(format: "%.1f", Double(nowMicros() - buildStart) / 1e6)) s (\(size / 1_000_000) MB)")
    let database = try Database.openMigrated(path: bench.databasePath)
    let commands = CommandStore(database: database)
    // The generated history holds EngineStarted events of its own: watch for a newer one.
    let newestStartQuery = try database.statement("SELECT coalesce(max(seq), 0) FROM event_store WHERE event_type = 'EngineStarted'")
    func newestStart() -> Int64 { ((try? newestStartQuery.firstRow { $0.int64(0) }) ?? nil) ?? 0 }
    // The generated history may leave the engine paused or in a safe mode, which a boot now
    // resumes (the owner's last word): say "trade" once, as the owner would, before measuring.
    do {
        let system = Actor(kind: .user, id: "bench")
        let resume = [Command(type: .setEngineMode, actor: system, scope: Scope(on: .binanceUSDM, mode: .sim), payload: ["mode": "normal"]),
                      Command(type: .resumeEngine, actor: system, scope: Scope(on: .binanceUSDM, mode: .sim), payload: [:])]
        for command in resume { _ = try commands.insert(command) }
        _ = try bench.startBot(["--reconcile-ms", "30000"])
        guard waitMicros({ resume.allSatisfy { ((try? commands.command(id: $0.id)) ?? nil).map { $0.status == .acknowledged || $0.status == .failed } ?? false } }) != nil
        else { die("the engine was not resumed") }
        bench.stopBot()
    }
    var toStarted: [Double] = []
    var toTrading: [Double] = []
    var peak = 0, anonymous = 0, file = 0
    for run in 0..<3 {
        let started = newestStart()
        let command = Command(type: .placeOrder, actor: Actor(kind: .user, id: "bench"), scope: Scope(on: .binanceUSDM, mode: .sim),
                              payload: ["symbol": "BTCUSDT", "side": .string(run % 2 == 0 ? "BUY" : "SELL"), "type": "MARKET", "quantity": "0.003"])
        _ = try commands.insert(command)  // waiting for the bot
        let start = nowMicros()
        let bot = try bench.startBot(["--reconcile-ms", "30000"])
        guard let engine = waitMicros({ newestStart() > started })
        else { die("no EngineStarted") }
        guard waitMicros({ ((try? commands.command(id: command.id)) ?? nil)?.status == .acknowledged }) != nil else { die("no ACK after boot") }
        toStarted.append(Double(engine) / 1000)
        toTrading.append(Double(nowMicros() - start) / 1000)
        let memory = residentKilobytes(bot.processIdentifier)
        peak = max(peak, memory.peak)
        anonymous = max(anonymous, memory.anonymous)
        file = max(file, memory.file)
        bench.stopBot()
    }
    report("boot → EngineStarted (\(bootEvents) events)", toStarted)
    report("boot → first order acknowledged", toTrading, target: 2_000)
    say(String(format: "bot memory booting over %d events: peak RSS %.1f MB (own %.1f MB, mapped files %.1f MB)   target < 50 MB → %.1f× headroom",
               bootEvents, Double(peak) / 1024, Double(anonymous) / 1024, Double(file) / 1024, 50 * 1024 / Double(peak)))
}

// MARK: 5. The strategy: candle close → decision → order acknowledged, and memory with each strategy's data

if runs("strategy") {
    let bench = try Bench()
    var settings = SimMarketDriver.Settings()
    settings.speed = 60
    settings.historyDays = 2
    let driver = SimMarketDriver(service: bench.sim, settings: settings)
    try bench.configure {
        $0.strategyName = "sma_cross"
        $0.strategyTimeframe = "1m"
        $0.strategyParams = ["fast": 2, "slow": 3, "quantity": "0.01", "direction": "both"]
        $0.maxOrdersPerMinute = 1200  // a cross every few wall milliseconds here, not every few minutes
    }
    // Three up, three down: a cross, and so an order, every three candles or so.
    let candles = max(60, orders)
    var price = 50_000
    var closes: [String] = []
    for index in 0..<(candles + 10) {
        price += (index / 3) % 2 == 0 ? 150 : -150
        closes.append("\"\(price)\"")
    }
    try bench.control("market/path", #"{"symbol":"BTCUSDT","closes":[\#(closes.joined(separator: ","))],"after":"hold"}"#)
    let database = try Database.openMigrated(path: bench.databasePath)
    let commands = CommandStore(database: database)
    let newestEvaluation = try database.statement("SELECT coalesce(max(seq), 0) FROM event_store WHERE event_type = 'StrategyEvaluated'")
    func evaluationSeq() -> Int64 { ((try? newestEvaluation.firstRow { $0.int64(0) }) ?? nil) ?? 0 }
    let bot = try bench.startBot(["--reconcile-ms", "30000"])
    guard waitMicros(timeoutSeconds: 30, { evaluationSeq() > 0 && bench.sim.streamFollowers("btcusdt@kline_1m") == 1 }) != nil else {
        die("the strategy did not evaluate its boot candle")
    }
    usleep(300_000)
    var toEvaluated: [Double] = []
    var toAcknowledged: [Double] = []
    var decide: [Double] = []
    let events = EventStore(database: database)
    for _ in 0..<candles {
        let before = evaluationSeq()
        let ordersBefore = try commands.list(status: nil, type: .placeOrder, limit: 1).first?.id
        let start = nowMicros()
        driver.step(realMilliseconds: 1000)  // the close goes out on the kline stream inside this step
        guard waitMicros({ evaluationSeq() > before }) != nil else { die("a candle was not evaluated") }
        toEvaluated.append(Double(nowMicros() - start) / 1000)
        if let event = try events.latest(matching: EventFilter(types: [.strategyEvaluated])),
           let payload = try? StrategyEvaluatedPayload(json: event.payload) {
            decide.append(Double(payload.durationMicroseconds) / 1000)
        }
        // The decision's market order (the first PlaceOrder it made), acknowledged by the exchange.
        let newest = try commands.list(status: nil, type: .placeOrder, limit: 20)
        if let first = newest.reversed().first(where: { $0.id > (ordersBefore ?? "") && $0.payload["type"] == "MARKET" }) {
            guard waitMicros({ ((try? commands.command(id: first.id)) ?? nil)?.status == .acknowledged }) != nil else { die("no ACK") }
            toAcknowledged.append(Double(nowMicros() - start) / 1000)
        }
        // Every command of the decision settled before the next candle, as the runner waits for them.
        guard waitMicros({ ((try? commands.countsByStatus()) ?? [:]).filter { $0.key == .new || $0.key == .sent }.values.reduce(0, +) == 0 }) != nil
        else { die("commands did not settle") }
    }
    report("candle close → StrategyEvaluated committed", toEvaluated)
    report("candle close → decision's order acknowledged", toAcknowledged, target: 20)
    if ProcessInfo.processInfo.environment["BENCH_SAMPLES"] != nil { say("  samples: \(toAcknowledged.map { String(format: "%.1f", $0) })") }
    report("decide() of sma_cross 2/3 per candle", decide)
    let memory = residentKilobytes(bot.processIdentifier)
    say(String(format: "bot memory running sma_cross: RSS %.1f MB (own %.1f MB), peak %.1f MB", Double(memory.rss) / 1024,
               Double(memory.anonymous) / 1024, Double(memory.peak) / 1024))
    bench.stopBot()

    // Each strategy with its defaults on one-minute candles (ma_trend keeps 200, turtle 21, and
    // volatility_breakout daily candles too), ten minutes of market after the boot back-fill.
    for name in ["ma_trend", "turtle", "volatility_breakout", "grid"] {
        let each = try Bench()
        let eachDriver = SimMarketDriver(service: each.sim, settings: settings)
        try each.configure {
            $0.strategyName = name
            $0.strategyTimeframe = "1m"
            $0.strategyParams = [:]
        }
        let eachDatabase = try Database.openMigrated(path: each.databasePath)
        let evaluations = try eachDatabase.statement("SELECT count(*) FROM event_store WHERE event_type = 'StrategyEvaluated'")
        func evaluated() -> Int64 { ((try? evaluations.firstRow { $0.int64(0) }) ?? nil) ?? 0 }
        let process = try each.startBot(["--reconcile-ms", "30000"])
        guard waitMicros(timeoutSeconds: 30, { evaluated() > 0 }) != nil else { die("\(name) did not evaluate its boot candle") }
        for _ in 0..<10 {
            let before = evaluated()
            eachDriver.step(realMilliseconds: 1000)
            _ = waitMicros(timeoutSeconds: 10) { evaluated() > before }
        }
        let candlesKept = (try? eachDatabase.statement("SELECT count(*) FROM market_candles").firstRow { $0.int64(0) }) ?? nil
        let used = residentKilobytes(process.processIdentifier)
        say(String(format: "bot memory running %@ (%lld candles kept): RSS %.1f MB (own %.1f MB), peak %.1f MB   target < 50 MB → %.1f× headroom",
                   name, candlesKept ?? 0, Double(used.rss) / 1024, Double(used.anonymous) / 1024, Double(used.peak) / 1024,
                   50 * 1024 / Double(used.peak)))
        each.stopBot()
    }
}
