import AlphaCore
import AlphaCrypto
import AlphaHTTP
import AlphaSettings
import AlphaSim
import AlphaStore
import AlphaStrategy
import AlphaSystem
import ArgumentParser
import Foundation

/// `alphaengine demo`: the whole system on one machine with no keys and no network — the
/// simulator in this process, the bot and the web as their own processes (as in production, two
/// processes on one SQLite file) — and a login to try it with. Ctrl-C stops all three.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run the simulator, the bot and the web together, and print the URL and a login.")

    @Option(name: .customLong("data-dir"), help: "Where the demo keeps its database, logs and login.") var dataDirectory = "data/demo"
    @Option(help: "The web's port (0 picks a free one).") var port: UInt16 = 8080
    @Option(help: "The simulator's port (0 picks a free one).") var simPort: UInt16 = 0
    @Option(help: "binance (USDⓈ-M futures) or upbit (KRW spot, volatility_breakout on KST days by default).") var venue = "binance"
    @Option(help: "The symbol the demo trades (the runtime configuration's trading.symbol; default BTCUSDT, or KRW-BTC on Upbit).")
    var symbol: String?
    @Option(help: "The strategy the demo's bot runs (none: trade by hand; default sma_cross on one-minute candles, or volatility_breakout on Upbit).")
    var strategy: String?
    @Option(help: "How much faster than the wall clock the simulator's market runs (60: a one-minute candle every second).")
    var speed: Double = 60

    static let user = "demo"

    /// Parameters that make each strategy act within a minute or so of one-minute candles.
    static let demoParameters: [String: JSONObject] = [
        "sma_cross": ["fast": 3, "slow": 8, "quantity": "0.01"],
        "ma_trend": ["fast": 5, "slow": 20, "quantity": "0.01"],
        "turtle": ["entry": 10, "exit": 5, "atr": 10],
        "volatility_breakout": ["k": "0.5", "zone": "Asia/Seoul", "quantity": "0.01", "stop_pct": "0.02"],
    ]

    var venueCapabilities: VenueCapabilities { VenueCapabilities.named(venue) ?? .binanceUSDM }
    var upbit: Bool { venueCapabilities == .upbitKRW }
    var chosenStrategy: String { strategy ?? (upbit ? "volatility_breakout" : "sma_cross") }
    var chosenSymbol: String { symbol ?? venueCapabilities.defaultSymbol }
    /// Day-long strategies look at five-minute candles (at 60× one closes every 5 s), the rest at one-minute ones.
    var timeframe: String { chosenStrategy == "volatility_breakout" ? "5m" : "1m" }

    func validate() throws {
        guard VenueCapabilities.named(venue) != nil else { throw ValidationError("--venue must be binance or upbit, not \(venue)") }
        guard StrategyCatalog.names.contains(chosenStrategy) else {
            throw ValidationError("--strategy must be one of \(StrategyCatalog.names.joined(separator: ", "))")
        }
        guard venueCapabilities.symbols.isValid(chosenSymbol) else { throw ValidationError("--symbol must be \(venueCapabilities.symbols.description)") }
    }

    func run() throws {
        try reportingFailures {
            let shutdown = try ShutdownSignal()
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
            let password = try demoLogin()

            guard speed > 0, speed <= 10_000 else { throw ValidationError("--speed must be above 0 and at most 10000") }
            let sim = try startSimulator()
            defer { sim.stop() }

            let simURL = "127.0.0.1:\(sim.port)"
            let environment = [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "ALPHAENGINE_MODE": "sim", "ALPHAENGINE_EXCHANGE": venue,
                "ALPHAENGINE_REST_URL": "http://\(simURL)", "ALPHAENGINE_WS_URL": "ws://\(simURL)",
                "ALPHAENGINE_SIM_API_KEY": sim.apiKey, "ALPHAENGINE_SIM_API_SECRET": sim.apiSecret,
            ]
            let webLogStart = logSize("web.log")
            let bot = try child(["bot", "--data-dir", dataDirectory], log: "bot.log", environment: environment)
            let web = try child(["web", "--data-dir", dataDirectory, "--port", String(port)], log: "web.log", environment: environment)
            let children = [bot, web]
            defer { Self.stop(children) }
            guard let webPort = waitForWebPort(web, after: webLogStart) else {
                throw ValidationFailure("the web process did not start; see \(dataDirectory)/web.log", status: 1)
            }

            let base = "http://127.0.0.1:\(webPort)"
            print("""
                AlphaEngine demo: simulator, bot and web on this machine (Ctrl-C stops all three)
                  web:        \(base)   (API: \(base)/api/…, contract: \(base)/api/openapi.yaml)
                  login:      \(Self.user) / \(password)   (admin)
                  simulator:  http://\(simURL)   (\(upbit ? "Upbit" : "Binance USDⓈ-M") API; control token \(sim.controlToken))
                  market:     \(String(format: "%g", speed))× the wall clock; strategy \(chosenStrategy)\(chosenStrategy == RuntimeConfig.noStrategy ? "" : " on \(timeframe) candles of \(chosenSymbol), 0.01 BTC a trade")
                  logs:       \(dataDirectory)/bot.log, \(dataDirectory)/web.log
                try:
                  TOKEN=$(curl -s -X POST \(base)/api/auth/login -H 'Content-Type: application/json' \\
                          -d '{"username":"\(Self.user)","password":"\(password)"}' | sed 's/.*"token":"\\([^"]*\\)".*/\\1/')
                  curl -s \(base)/api/dashboard -H "Authorization: Bearer $TOKEN"
                  curl -s -X POST \(base)/api/commands -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
                       -d '{"type":"PlaceOrder","payload":{"symbol":"\(chosenSymbol)","side":"BUY","type":"MARKET","quantity":"0.010"}}'
                """)
            fflush(nil)  // every stream: the banner reaches a pipe at once
            while shutdown.wait(milliseconds: 500) == nil {
                if let gone = children.first(where: { !$0.isRunning }) {
                    let name = gone === bot ? "bot" : "web"
                    throw ValidationFailure("the \(name) process stopped (status \(gone.terminationStatus)); see \(dataDirectory)/\(name).log",
                                            status: 1)
                }
            }
            print("alphaengine demo: stopping")
        }
    }

    /// The demo user's password: made once, kept beside the database (mode 0600) so every run
    /// prints the same login.
    private func demoLogin() throws -> String {
        let path = (dataDirectory as NSString).appendingPathComponent("demo-password")
        let database = try Database.openMigrated(path: databasePath(dataDirectory: dataDirectory, mode: .sim, venue: venueCapabilities))
        let users = UserStore(database: database)
        let saved = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        if try users.user(named: Self.user) != nil {
            guard let saved else {
                throw ValidationFailure("\(dataDirectory) has a demo user but no \(path); remove \(dataDirectory) to start afresh", status: 1)
            }
            return saved
        }
        // One login for the directory: a second venue's database gets the first one's.
        let password = saved ?? Hex.encode(SecureRandom.bytes(12))
        if saved == nil {
            guard FileManager.default.createFile(atPath: path, contents: Data(password.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw ValidationFailure("cannot write \(path)", status: 1)
            }
        }
        try users.add(name: Self.user, role: "admin", passwordHash: PasswordHash.make(password))
        // The runtime configuration names the symbol and the strategy the demo trades, through the
        // same versioned UpdateConfig command a user would send (the bot applies it at boot).
        if try ConfigStore(database: database, venue: venueCapabilities).runtime().version == 0 {
            var config = RuntimeConfig(venue: venueCapabilities)
            config.symbol = chosenSymbol
            config.strategyName = chosenStrategy
            if chosenStrategy != RuntimeConfig.noStrategy {
                // Short periods on one-minute candles: at 60× a candle closes every second, so
                // crosses come within the first minute.
                config.strategyTimeframe = timeframe
                config.strategyParams = Self.demoParameters[chosenStrategy] ?? [:]
            }
            _ = try CommandStore(database: database).insert(Command(
                type: .updateConfig, actor: Actor(kind: .system, id: "demo"), scope: Scope(on: venueCapabilities, mode: .sim),
                idempotencyKey: "demo:initial-config", payload: ["config": .object(config.json), "expectedVersion": .int(0)]))
        }
        return password
    }

    /// The venue's simulator in this process, its market moving at `speed`.
    struct RunningSimulator {
        let port: UInt16, apiKey: String, apiSecret: String, controlToken: String
        let stop: () -> Void
    }

    private func startSimulator() throws -> RunningSimulator {
        var http = HTTPServerConfiguration()
        http.port = simPort
        func listen(_ handler: @escaping HTTPHandler) throws -> HTTPServer {
            let server = HTTPServer(configuration: http, handler: handler)
            do { try server.start() } catch { throw ValidationFailure("simulator: cannot listen on port \(simPort): \(error)", status: 1) }
            return server
        }
        if upbit {
            let sim = UpbitSimService(configuration: UpbitSimConfiguration.randomKeys())
            let server = try listen(sim.router.handler)
            let market = UpbitMarketDriver(service: sim, speed: speed)
            market.start()
            return RunningSimulator(port: server.port, apiKey: sim.configuration.accessKey, apiSecret: sim.configuration.secretKey,
                                    controlToken: sim.configuration.controlToken, stop: { market.stop(); server.shutdown() })
        }
        let sim = SimService(configuration: SimConfiguration.randomKeys())
        let server = try listen(sim.router.handler)
        var settings = SimMarketDriver.Settings()
        settings.speed = speed
        let market = SimMarketDriver(service: sim, settings: settings)
        market.start()
        return RunningSimulator(port: server.port, apiKey: sim.configuration.apiKey, apiSecret: sim.configuration.apiSecret,
                                controlToken: sim.configuration.controlToken, stop: { market.stop(); server.shutdown() })
    }

    private func logSize(_ log: String) -> Int {
        let path = (dataDirectory as NSString).appendingPathComponent(log)
        return (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    /// Starts this executable with `arguments`, its standard error appended to `log`.
    private func child(_ arguments: [String], log: String, environment: [String: String]) throws -> Process {
        let path = (dataDirectory as NSString).appendingPathComponent(log)
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = arguments
        process.environment = environment
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        return process
    }

    /// The port the web process says it listens on ("listening on http://127.0.0.1:PORT"), from
    /// its log; nil if it stops or does not say so within 30 s.
    private func waitForWebPort(_ web: Process, after start: Int) -> UInt16? {
        let path = (dataDirectory as NSString).appendingPathComponent("web.log")
        for _ in 0..<300 {
            if let data = FileManager.default.contents(atPath: path), data.count > start {
                let text = String(decoding: data[start...], as: UTF8.self)
                if let range = text.range(of: "listening on http://127.0.0.1:"),
                   let port = UInt16(text[range.upperBound...].prefix { $0.isNumber }) {
                    return port
                }
            }
            if !web.isRunning { return nil }
            usleep(100_000)
        }
        return nil
    }

    /// SIGTERM to each, then up to 15 s for a clean stop before SIGKILL.
    static func stop(_ children: [Process]) {
        for child in children where child.isRunning { kill(child.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(15)
        for child in children {
            while child.isRunning && Date() < deadline { usleep(50_000) }
            if child.isRunning { kill(child.processIdentifier, SIGKILL) }
            child.waitUntilExit()
        }
    }
}
