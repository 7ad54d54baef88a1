import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaSettings
import AlphaSim
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// A simulator on a free port, a data directory, and the real `alphaengine bot` process driven
/// through the shared store, as the web process drives it: the SQLite file, or a PostgreSQL
/// database (the tests' shared cluster, or a cluster of the test's own that it may restart).
/// Everything is removed afterwards.
final class BotWorld {
    let sim: SimService
    let server: HTTPServer
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("botworld-\(UUID().uuidString)").path
    private(set) var store: StoreKind
    /// The PostgreSQL database's URL (nil on SQLite).
    private(set) var storageURL: String?
    private(set) var storage: any Storage
    private(set) var database: any SQLConnection
    private(set) var commands: any CommandQueue
    private(set) var events: EventStore
    /// The account among several in one PostgreSQL database (nil: the database's only one).
    let account: String?
    let process: BotProcess
    /// Options every start of the bot gets (faster resolution and reconciling for tests).
    var botArguments: [String]

    init(balance: String = "100000", botArguments: [String] = ["--not-found-grace-ms", "800", "--reconcile-ms", "1000"],
         store: StoreKind = .default, cluster: ScratchPostgres? = nil, postgresURL: String? = nil, account: String? = nil) throws {
        var configuration = SimConfiguration.randomKeys()
        configuration.initialBalance = Amount(balance)!
        sim = SimService(configuration: configuration)
        server = HTTPServer(handler: sim.router.handler)
        try server.start()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.store = store
        switch store {
        case .sqlite:
            storageURL = nil
            let file = try Database.openMigrated(path: databasePath(dataDirectory: directory, mode: .sim))
            storage = SQLiteStorage(file)
            database = file
        case .postgresql:
            let url = try postgresURL ?? (cluster ?? ScratchPostgres.shared).database()
            storageURL = url
            let opened = try PostgresBackend(url: url, account: account).open()
            storage = opened
            database = (opened as! PostgresStorage).connection
        }
        commands = storage.commands
        events = EventStore(database: database)
        self.account = account
        process = BotProcess(directory: directory)
        self.botArguments = botArguments
    }

    deinit {
        process.kill()
        server.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    var logPath: String { process.logPath }

    /// The SQLite file of this world's data directory.
    var sqlitePath: String { databasePath(dataDirectory: directory, mode: .sim) }

    /// From now on the world reads, and the next start of the bot uses, the PostgreSQL database
    /// at `url` (nil: the SQLite file in the data directory), as after `alphaengine db copy`.
    func moveStore(to url: String?) throws {
        storageURL = url
        store = url == nil ? .sqlite : .postgresql
        storage = try url.map { try PostgresBackend(url: $0).open() } ?? SQLiteStorage(try Database.openMigrated(path: sqlitePath))
        database = (storage as? PostgresStorage)?.connection ?? (storage as! SQLiteStorage).database
        commands = storage.commands
        events = EventStore(database: database)
    }

    /// Starts the bot (its stderr appends to `bot.log` in the data directory).
    func startBot(_ extra: [String] = []) throws {
        try process.start(botArguments + extra, environment: [
            "ALPHAENGINE_REST_URL": "http://127.0.0.1:\(server.port)", "ALPHAENGINE_WS_URL": "ws://127.0.0.1:\(server.port)",
            "ALPHAENGINE_SIM_API_KEY": sim.configuration.apiKey, "ALPHAENGINE_SIM_API_SECRET": sim.configuration.apiSecret,
        ].merging(storageURL.map { ["ALPHAENGINE_STORAGE": $0] } ?? [:]) { $1 }.merging(account.map { ["ALPHAENGINE_ACCOUNT": $0] } ?? [:]) { $1 })
    }

    /// Stops the bot with `signal` and returns its exit status (the signal number when killed).
    @discardableResult
    func stopBot(_ signal: Int32 = SIGTERM) -> Int32 { process.stop(signal) }

    var log: String { process.log }

    var botPID: Int32? { process.pid }
    var botIsRunning: Bool { process.isRunning }

    // MARK: Commands, as the web inserts them

    @discardableResult
    func command(_ type: CommandType, _ payload: JSONObject = [:], actor: Actor.Kind = .user) throws -> Command {
        try commands.insert(Command(type: type, actor: Actor(kind: actor, id: "scenario"), scope: Scope(on: .binanceUSDM, mode: .sim), payload: payload)).command
    }

    @discardableResult
    func order(_ side: String, _ type: String = "MARKET", quantity: String = "0.010", _ extra: JSONObject = [:],
               actor: Actor.Kind = .user) throws -> Command {
        var payload: JSONObject = ["symbol": "BTCUSDT", "side": .string(side), "type": .string(type), "quantity": .string(quantity)]
        for (key, value) in extra.members { payload[key] = value }
        return try command(.placeOrder, payload, actor: actor)
    }

    /// The command once it is ACK or FAILED (nil if it is not settled within the time).
    func settled(_ command: Command, within seconds: Double = 15) -> Command? { commands.settled(command, within: seconds) }

    // MARK: What the store says

    func count(_ types: EventType...) -> Int { (try? events.events(matching: EventFilter(types: Set(types)), limit: 100_000).count) ?? -1 }

    func stored(_ types: EventType...) -> [Event] { (try? events.events(matching: EventFilter(types: Set(types)), limit: 100_000)) ?? [] }

    /// The projections as the dashboard would read them.
    func projection() -> ProjectionState { (try? ProjectionStore(database: database).load()) ?? ProjectionState() }

    /// Stored trade ids against the exchange's own ledger.
    func storedTradeIDs() -> [Int64] {
        stored(.tradeExecuted).compactMap { event in (try? event.payload.identifier("tradeId")).flatMap { Int64($0) } }.sorted()
    }

    func ledgerTradeIDs() -> [Int64] { sim.withExchange { $0.ledger.trades.map(\.id) }.sorted() }

    /// Orders the exchange holds under `clientOrderID`.
    func exchangeOrders(_ clientOrderID: String) -> Int {
        sim.withExchange { $0.orders.values.filter { $0.clientOrderId == clientOrderID }.count }
    }

    /// Position, balance, realized PnL, fees and funding agree with the exchange's ledger, exactly.
    func moneyAgrees() -> Bool {
        let state = projection()
        let ledger = sim.withExchange { $0.ledger }
        let totals = state.pnl.values.reduce(PnLTotals()) { sum, day in
            PnLTotals(realizedPnl: sum.realizedPnl + day.realizedPnl, fees: sum.fees + day.fees, funding: sum.funding + day.funding, trades: sum.trades + day.trades)
        }
        let funding = ledger.income.filter { $0.kind == .fundingFee }.reduce(Amount.zero) { $0 + $1.amount }
        return (state.positions["BTCUSDT"]?.amount ?? .zero) == ledger.position("BTCUSDT").amount
            && state.balances["USDT"]?.walletBalance == ledger.walletBalance
            && totals.realizedPnl == ledger.trades.reduce(Amount.zero) { $0 + $1.realizedPnl }
            && totals.fees == ledger.trades.reduce(Amount.zero) { $0 + $1.commission }
            && totals.funding == funding
    }

    /// Ours against the ledger's, for a failure message.
    func moneyReport() -> String {
        let state = projection()
        let ledger = sim.withExchange { $0.ledger }
        return "position \(state.positions["BTCUSDT"]?.amount.description ?? "none") vs \(ledger.position("BTCUSDT").amount), "
            + "wallet \(state.balances["USDT"]?.walletBalance.description ?? "none") vs \(ledger.walletBalance)"
    }

    // MARK: The simulator's control API (over HTTP, as an operator would)

    func control(_ path: String, _ body: String = "", method: String = "POST") throws {
        _ = try controlAnswer(path, body, method: method)
    }

    /// A control call's JSON answer (an outside order's client id, say).
    @discardableResult
    func controlAnswer(_ path: String, _ body: String = "", method: String = "POST") throws -> JSONObject {
        let client = try RawClient(port: server.port)
        try client.send("\(method) /sim/v1/\(path) HTTP/1.1\r\nHost: s\r\nAuthorization: Bearer \(sim.configuration.controlToken)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let response = try client.readResponse()
        return (try? JSONParser.parseObject(String(decoding: response.body, as: UTF8.self))) ?? [:]
    }

    // MARK: Outside activity

    /// An order placed by hand on the exchange (not AlphaEngine's); returns its client id.
    func outsideOrder(_ side: String, quantity: String, limit price: String? = nil) throws -> String {
        let limit = price.map { #","type":"LIMIT","price":"\#($0)""# } ?? ""
        let answer = try controlAnswer("order", #"{"symbol":"BTCUSDT","side":"\#(side)","quantity":"\#(quantity)"\#(limit)}"#)
        return (try? answer.string("clientOrderId")) ?? ""
    }

    func quarantine(_ symbol: String = "BTCUSDT") -> Quarantine? { projection().quarantines[symbol] }

    /// A user's ResolveQuarantine, settled.
    func resolve(_ action: QuarantineAction, stopPrice: String? = nil, _ symbol: String = "BTCUSDT") throws -> Command? {
        var payload: JSONObject = ["symbol": .string(symbol), "action": .string(action.rawValue)]
        if let stopPrice { payload["stopPrice"] = .string(stopPrice) }
        return settled(try command(.resolveQuarantine, payload))
    }
}

/// The real `alphaengine bot` process of a test, on a data directory; its stderr appends to
/// `bot.log` there, across restarts.
final class BotProcess {
    let directory: String
    private var process: Process?

    init(directory: String) { self.directory = directory }

    var logPath: String { directory + "/bot.log" }
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }
    var pid: Int32? { process?.processIdentifier }
    var isRunning: Bool { process?.isRunning ?? false }
    /// How the process ended ("signal 13", "exit 1"), or "running".
    var ending: String {
        guard let process, !process.isRunning else { return "running" }
        return "\(process.terminationReason == .uncaughtSignal ? "signal" : "exit") \(process.terminationStatus)"
    }

    /// `alphaengine bot --data-dir <directory> <arguments>`, with `environment` (and the
    /// allocator's settings, as the systemd units set them: the soak run measures with them).
    func start(_ arguments: [String], environment: [String: String]) throws {
        let process = Process()
        process.executableURL = BuiltExecutable.url("alphaengine")
        process.arguments = ["bot", "--data-dir", directory] + arguments
        process.environment = environment.merging(["PATH": "/usr/bin:/bin"]) { mine, _ in mine }
        for (name, value) in ProcessInfo.processInfo.environment where name.hasPrefix("MALLOC_") { process.environment?[name] = value }
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        self.process = process
    }

    /// Stops the bot with `signal` and returns its exit status (the signal number when killed).
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM) -> Int32 {
        guard let process else { return -1 }
        Foundation.kill(process.processIdentifier, signal)
        process.waitUntilExit()
        self.process = nil
        return process.terminationStatus
    }

    /// SIGKILL, if it still runs (a test that failed half-way).
    func kill() {
        if isRunning { stop(SIGKILL) }
    }
}

extension CommandQueue {
    /// The command once it is ACK or FAILED (nil if it is not settled within the time).
    func settled(_ command: Command, within seconds: Double = 15) -> Command? {
        var final: Command?
        _ = eventually(within: seconds) {
            final = (try? self.command(id: command.id)) ?? nil
            return final?.status == .acknowledged || final?.status == .failed
        }
        return final?.status == .acknowledged || final?.status == .failed ? final : nil
    }
}
