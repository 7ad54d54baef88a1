import AlphaBacktest
import AlphaBot
import AlphaCore
import AlphaExchange
import AlphaNotify
import AlphaSettings
import AlphaStore
import AlphaSystem
import ArgumentParser
import Foundation
import Logging

/// `alphaengine bot`: the trading process. All exchange I/O happens here; it stops cleanly on
/// SIGINT or SIGTERM and resumes without loss or duplicates.
struct BotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bot", abstract: "Run the bot against the configured account (production, testnet or the simulator).")

    @OptionGroup var options: CommonOptions

    @Option(help: "Symbols to follow besides the runtime configuration's trading.symbol (comma-separated).") var symbols: String?
    @Option(help: "How long after sending an order a 'not found' is believed (ms).") var notFoundGraceMs = 10_000
    @Option(help: "How often the reconciler runs while the stream is up (ms); default: the runtime configuration's engine.poll_interval_sec.")
    var reconcileMs: Int?
    @Option(help: "How long a REST request may take before its outcome is unknown (ms).") var restTimeoutMs = 10_000
    @Option(help: "Request-weight thresholds per minute: warn,slow,stop.") var weightThresholds = "1500,2000,2300"
    @Option(help: "Log lines as text (for a person) or json (one object a line, for journald).") var logFormat: LogFormat = .text

    func run() throws {
        try reportingFailures {
            let shutdown = try ShutdownSignal()
            // One level for every logger of the process; the runtime configuration's logging.level sets it.
            let levels = LogLevelSwitch(.info)
            // As JSON every line also carries the boot id, once the boot has made one.
            let context = LogContext()
            LoggingSystem.bootstrap { [logFormat] label in
                LineLogHandler(process: "bot", component: label, levels: levels, format: logFormat, context: logFormat == .json ? context : nil)
            }
            let announce = options.announcer(process: "bot", format: logFormat)
            // The bot runs for months and appends a few events a second: a small page cache.
            let (firstStorage, configuration) = try options.openStorage(memory: .lean)
            let mode = configuration.mode, endpoints = configuration.endpoints
            guard let apiKey = configuration.credentials.exchange else {
                throw ValidationFailure("configuration: no API key for mode sim; set ALPHAENGINE_SIM_API_KEY and "
                    + "ALPHAENGINE_SIM_API_SECRET (or sim.api_key and sim.api_secret) to the keys `alphaengine sim` printed", status: 78)
            }
            let venue = try makeVenue(configuration, apiKey: apiKey)
            var settings = BotRunner.Settings()
            settings.extraSymbols = (symbols ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            settings.executor.notFoundGraceMilliseconds = Int64(notFoundGraceMs)
            settings.withdrawals = configuration.withdrawals
            if let reconcileMs {
                settings.reconcile.intervalMilliseconds = Int64(reconcileMs)
                settings.reconcileIntervalFixed = true
            }
            // Slack and Telegram, beside the loop on threads and connections of their own: a receiver
            // that hangs delays its messages, never an order. Started first, so the boot is reported.
            let notifications = try NotificationService(settings: configuration.notifications, backend: configuration.backend,
                                                        mode: mode, logger: { Logger(label: $0) })
            try notifications.start()
            defer { notifications.stop() }
            if !notifications.isEmpty { announce("notifications: \(configuration.notifications)") }
            // A session: the runner on a store connection, booted (in-flight commands resolved, the
            // account reconciled) and run. Losing PostgreSQL ends a session, not the process: nothing
            // new is sent while it is gone, and the next session reads what the exchange did meanwhile.
            var storage = firstStorage
            while true {
                var current: BotRunner?
                do {
                    let runner = try BotRunner(venue: venue, storage: storage, mode: mode, settings: settings,
                                               logger: { Logger(label: $0) },
                                               onLogLevel: { name in if let level = LogLevelSwitch.level(named: name) { levels.level = level } })
                    // Backtests run beside the loop, on a connection of their own (AlphaBacktest builds on the bot).
                    let backtests = BacktestDesk(commands: storage.commands, runs: storage.backtests, configs: storage.configs,
                                                 backend: configuration.backend, venue: configuration.venue)
                    _ = try backtests.failInterrupted(now: .now())
                    runner.dispatcher.register(backtests, for: [.runBacktest], needsExchange: false)
                    // While a command is handled, its lines carry its correlation and command ids.
                    runner.dispatcher.commandInHand = { command in
                        if let command {
                            context.set("correlation", command.correlationID)
                            context.set("command", command.id)
                        } else {
                            context.remove("correlation")
                            context.remove("command")
                        }
                    }
                    current = runner
                    do {
                        try runner.boot(shouldStop: { shutdown.wait(milliseconds: 0) != nil })
                    } catch let error as BotRunner.BootError {
                        throw ValidationFailure("boot: \(error)", status: 1)
                    }
                    context.set("boot", runner.engine.bootID)
                    announce("running (\(configuration.venue.configurationName), \(mode.rawValue), \(endpoints.rest))")
                    try runner.run(until: { shutdown.wait(milliseconds: 0) != nil })
                    break
                } catch let error where isStoreUnreachable(error) {
                    current?.abandon()
                    announce("database unreachable (\(error)): nothing is sent until it is back")
                    guard let reopened = Self.waitForStore(configuration, until: { shutdown.wait(milliseconds: 0) != nil }, announce: announce) else { break }
                    storage = reopened
                    announce("database back: resuming (in-flight commands resolved, the account read again)")
                }
            }
            announce("stopped")
        }
    }

    /// The configured exchange's venue: Binance USDⓈ-M (with its wallet API and weight
    /// thresholds) or Upbit KRW spot (paced by its own `Remaining-Req` groups).
    private func makeVenue(_ configuration: EngineConfiguration, apiKey: APIKey) throws -> any ExchangeVenue {
        let mode = configuration.mode, endpoints = configuration.endpoints
        let scope = Scope(on: configuration.venue, mode: mode)
        let clientLog = Logger(label: "exchange")
        if configuration.venue == .upbitKRW {
            var settings = UpbitVenue.Settings(restURL: endpoints.rest, webSocketURL: endpoints.webSocket,
                                               credentials: UpbitCredentials(accessKey: apiKey.key, secretKey: apiKey.secret))
            settings.restTimeoutMilliseconds = restTimeoutMs
            settings.log = { line in clientLog.notice("\(line)") }
            return UpbitVenue(settings: settings, scope: scope)
        }
        var settings = BinanceVenue.Settings(restURL: endpoints.rest, webSocketURL: endpoints.webSocket, apiKey: apiKey.key, apiSecret: apiKey.secret)
        settings.restTimeoutMilliseconds = restTimeoutMs
        // The wallet API: the simulator serves it at its own address; the futures testnet has none.
        settings.walletURL = switch mode {
        case .sim: endpoints.rest
        case .production: "https://api.binance.com"
        case .testnet: nil
        }
        settings.rateLimits = try Self.thresholds(weightThresholds)
        settings.log = { line in clientLog.notice("\(line)") }
        return BinanceVenue(settings: settings, scope: scope)
    }

    /// The store opened again, trying with backoff (0.25 s doubling to 10 s) until it answers or
    /// `shouldStop`; nil when stopped first.
    static func waitForStore(_ configuration: EngineConfiguration, until shouldStop: () -> Bool,
                             announce: (String) -> Void) -> (any Storage)? {
        var delay: UInt32 = 250
        var attempts = 0
        while !shouldStop() {
            do {
                return try configuration.backend.open(memory: .lean)
            } catch {
                attempts += 1
                if attempts == 1 || attempts % 10 == 0 { announce("database: still unreachable (\(error)); trying again") }
                usleep(delay * 1000)
                delay = min(delay * 2, 10_000)
            }
        }
        return nil
    }

    static func thresholds(_ text: String) throws -> RateLimitGate.Thresholds {
        let numbers = text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard numbers.count == 3, numbers[0] > 0, numbers[0] <= numbers[1], numbers[1] <= numbers[2] else {
            throw ValidationFailure("--weight-thresholds must be three rising whole numbers warn,slow,stop (got \"\(text)\")", status: 64)
        }
        return RateLimitGate.Thresholds(warn: numbers[0], slow: numbers[1], stop: numbers[2])
    }
}
