import AlphaCore
import AlphaHTTP
import AlphaSettings
import AlphaSim
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// The Upbit simulator on a free port and the real `alphaengine bot` process configured with
/// `exchange: upbit` (issue 18), driven through its SQLite file as the web drives it.
final class UpbitBotWorld {
    let sim: UpbitSimService
    let server: HTTPServer
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("upbitworld-\(UUID().uuidString)").path
    let database: Database
    let commands: CommandStore
    let events: EventStore
    let configs: ConfigStore
    let process: BotProcess
    var botArguments = ["--not-found-grace-ms", "800", "--reconcile-ms", "1000"]

    init(krw: Amount = Amount(10_000_000), historyDays: Int = 2) throws {
        var configuration = UpbitSimConfiguration.randomKeys()
        configuration.krw = krw
        configuration.historyDays = historyDays
        sim = UpbitSimService(configuration: configuration)
        server = HTTPServer(handler: sim.router.handler)
        try server.start()
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = try Database.openMigrated(path: databasePath(dataDirectory: directory, mode: .sim, venue: .upbitKRW))
        commands = CommandStore(database: database)
        events = EventStore(database: database)
        configs = ConfigStore(database: database, venue: .upbitKRW)
        process = BotProcess(directory: directory)
    }

    deinit {
        process.kill()
        server.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func startBot() throws {
        try process.start(botArguments, environment: [
            "ALPHAENGINE_EXCHANGE": "upbit",
            "ALPHAENGINE_REST_URL": "http://127.0.0.1:\(server.port)", "ALPHAENGINE_WS_URL": "ws://127.0.0.1:\(server.port)",
            "ALPHAENGINE_SIM_API_KEY": sim.configuration.accessKey, "ALPHAENGINE_SIM_API_SECRET": sim.configuration.secretKey,
        ])
    }

    @discardableResult
    func stopBot(_ signal: Int32 = SIGTERM) -> Int32 { process.stop(signal) }

    var log: String { process.log }

    // MARK: Commands, as the web inserts them

    @discardableResult
    func command(_ type: CommandType, _ payload: JSONObject = [:], actor: Actor.Kind = .user) throws -> Command {
        try commands.insert(Command(type: type, actor: Actor(kind: actor, id: "scenario"), scope: Scope(on: .upbitKRW, mode: .sim), payload: payload)).command
    }

    @discardableResult
    func order(_ side: String, _ type: String = "MARKET", quantity: String, _ extra: JSONObject = [:]) throws -> Command {
        var payload: JSONObject = ["symbol": "KRW-BTC", "side": .string(side), "type": .string(type), "quantity": .string(quantity)]
        for (key, value) in extra.members { payload[key] = value }
        return try command(.placeOrder, payload)
    }

    func settled(_ command: Command, within seconds: Double = 15) -> Command? { commands.settled(command, within: seconds) }

    /// The runtime configuration the bot starts with.
    func configure(_ edit: (inout RuntimeConfig) -> Void) throws {
        let current = try configs.runtime()
        var config = current.value
        edit(&config)
        _ = try configs.updateRuntime(config, expectedVersion: current.version, by: "test")
    }

    // MARK: What the store says, against the exchange's ledger

    func stored(_ types: EventType...) -> [Event] { (try? events.events(matching: EventFilter(types: Set(types)), limit: 100_000)) ?? [] }

    func projection() -> ProjectionState { (try? ProjectionStore(database: database).load()) ?? ProjectionState() }

    /// Stored trade ids (Upbit's trade uuids) and the exchange's, sorted.
    func storedTradeIDs() -> [String] {
        stored(.tradeExecuted).compactMap { try? $0.payload.identifier("tradeId") }.sorted()
    }

    func ledgerTradeIDs() -> [String] { sim.withExchange { $0.orders.values.flatMap { $0.trades.map(\.uuid) } }.sorted() }

    /// Orders the exchange holds under `identifier` (our client order id).
    func exchangeOrders(_ identifier: String) -> Int { sim.withExchange { $0.orders.values.filter { $0.identifier == identifier }.count } }

    /// KRW (free and held), the coin held, and the fees paid agree with the exchange, to the won and the satoshi.
    func moneyAgrees() -> Bool { moneyReport().isEmpty }

    /// What disagrees, for a failure message ("" when nothing does).
    func moneyReport() -> String {
        let state = projection()
        let (krw, btc, fees) = sim.withExchange { exchange in
            (exchange.holding("KRW"), exchange.holding("BTC"), exchange.orders.values.reduce(Amount.zero) { $0 + $1.paidFee })
        }
        let storedFees = state.pnl.values.reduce(Amount.zero) { $0 + $1.fees }
        var problems: [String] = []
        if state.balances["KRW"]?.walletBalance != krw.balance + krw.locked {
            problems.append("KRW \(state.balances["KRW"]?.walletBalance.description ?? "none") vs \(krw.balance + krw.locked)")
        }
        if (state.positions["KRW-BTC"]?.amount ?? .zero) != btc.balance + btc.locked {
            problems.append("BTC \(state.positions["KRW-BTC"]?.amount.description ?? "none") vs \(btc.balance + btc.locked)")
        }
        if storedFees != fees { problems.append("fees \(storedFees) vs \(fees)") }
        return problems.joined(separator: ", ")
    }

    // MARK: The simulator's control API (over HTTP, as an operator would)

    func control(_ path: String, _ body: String = "", method: String = "POST") throws {
        let client = try RawClient(port: server.port)
        try client.send("\(method) /sim/v1/\(path) HTTP/1.1\r\nHost: s\r\nAuthorization: Bearer \(sim.configuration.controlToken)\r\n"
            + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        let response = try client.readResponse()
        #expect(response.status == 200, "control \(path): \(String(decoding: response.body, as: UTF8.self))")
    }

    func fault(_ name: String, count: Int = 1) throws { try control("faults", #"{"fault":"\#(name)","count":\#(count)}"#) }
}
