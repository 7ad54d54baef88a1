import AlphaBot
import AlphaCore
import AlphaJSON
import AlphaSim
import AlphaStore
import AlphaStrategy
import Dispatch

/// Carries out `RunBacktest` for the bot: checks the request, records the run as RUNNING and
/// acknowledges the command at once, then backtests on a queue of its own over a connection of its
/// own, so the bot's loop (orders, the stream, the heartbeat) never waits on a backtest. The report
/// lands in `backtest_runs`, where `/api/backtests` reads it. Runs go one at a time.
public final class BacktestDesk: CommandHandler {
    private let commands: any CommandQueue
    private let runs: any BacktestRepository
    private let configs: any ConfigRepository
    private let backend: any StorageBackend
    /// The venue whose symbols a backtest may name.
    private let venue: VenueCapabilities
    private let queue = DispatchQueue(label: "alphaengine.backtests")
    /// The most candles one run reads (about 3.8 years of minutes).
    public static let candleLimit = 2_000_000

    public init(commands: any CommandQueue, runs: any BacktestRepository, configs: any ConfigRepository, backend: any StorageBackend,
                venue: VenueCapabilities = .binanceUSDM) {
        self.venue = venue
        self.commands = commands
        self.runs = runs
        self.configs = configs
        self.backend = backend
    }

    /// At boot: a run left RUNNING died with the process that ran it.
    public func failInterrupted(now: Timestamp) throws -> Int {
        try runs.failRunning(reason: "the bot stopped before this backtest finished; run it again", now: now)
    }

    public func handle(_ command: Command, _ time: KernelTime) throws -> Command {
        let decoded: CommandRequest
        do throws(CommandPayloadError) {
            decoded = try CommandRequest(type: command.type, payload: command.payload, venue: venue)
        } catch {
            return try commands.fail(command.id, error: "\(error)", now: time.now)
        }
        guard case .runBacktest(let request) = decoded else {
            return try commands.fail(command.id, error: "\(command.type.rawValue) is not a backtest", now: time.now)
        }
        do throws(StrategyParameterError) {
            _ = try StrategyCatalog.prepare(name: request.strategy, parameters: request.parameters)
        } catch {
            return try commands.fail(command.id, error: "strategy \(request.strategy): \(error)", now: time.now)
        }
        var asked = request
        if asked.symbol == nil { asked.symbol = try configs.runtime().value.symbol }
        let run = BacktestRun(id: command.id, createdAt: time.now, requestedBy: command.actor.id, strategy: request.strategy, request: asked.payload)
        if try runs.start(run) {
            queue.async { [backend, asked] in Self.execute(asked, id: run.id, backend: backend) }
        }
        return try commands.acknowledge(command.id, result: ["backtestId": .string(run.id), "status": .string(BacktestRun.Status.running.rawValue)],
                                        now: time.now)
    }

    /// Runs one backtest to its end and stores the outcome, whatever it is.
    static func execute(_ request: BacktestRequest, id: String, backend: any StorageBackend) {
        guard let storage = try? backend.open(memory: .lean) else { return }  // left RUNNING; failed at the next boot
        do {
            let report = try backtest(request, storage: storage)
            try storage.backtests.finish(id: id, summary: report.headline, report: String(decoding: report.document, as: UTF8.self), now: .now())
        } catch {
            try? storage.backtests.fail(id: id, error: "\(error)", now: .now())
        }
    }

    /// The request's candles from the store (merged from minutes when its timeframe is not kept),
    /// the symbol's stored filters, and the backtest over them.
    static func backtest(_ request: BacktestRequest, storage: any Storage) throws -> BacktestReport {
        let symbol = request.symbol ?? "BTCUSDT"
        let from = request.from?.millisecondsSinceEpoch, until = request.until?.millisecondsSinceEpoch
        var candles = try storage.marketData.candles(symbol: symbol, timeframe: request.timeframe, from: from, until: until, limit: candleLimit)
        if candles.isEmpty, request.timeframe != .oneMinute {
            let minutes = try storage.marketData.candles(symbol: symbol, timeframe: .oneMinute, from: from, until: until, limit: candleLimit)
            candles = CandleFile.merging(minutes: minutes, into: request.timeframe)
        }
        guard candles.count >= 2 else {
            throw BacktestEngine.Failure(message: "the bot keeps \(candles.count) \(symbol) \(request.timeframe) candle(s) in that range; a backtest needs 2 or more")
        }
        var settings = BacktestSettings(symbol: symbol)
        if let rules = try storage.marketData.symbolRules().first(where: { $0.rules.symbol == symbol }) { settings.contract = SimSymbol(rules: rules.rules) }
        if let balance = request.initialBalance { settings.initialBalance = balance }
        if let slippage = request.slippageBasisPoints { settings.slippageBasisPoints = slippage }
        let engine = try BacktestEngine(strategy: request.strategy, parameters: request.parameters, settings: settings)
        return try engine.run(CandleFile(candles: candles, timeframe: request.timeframe))
    }
}

extension BacktestReport {
    /// What a list of runs shows: the settings, the data and the metrics, without the trades,
    /// fills and equity curve of the full report.
    public var headline: JSONObject {
        let full = json(equity: false)
        var headline: JSONObject = [:]
        for key in ["settings", "data", "metrics", "liquidations", "decisions"] { headline[key] = full[key] }
        return headline
    }
}
