import AlphaBacktest
import AlphaCore
import AlphaCrypto
import AlphaJSON
import AlphaSettings
import AlphaSim
import AlphaStore
import ArgumentParser
import Foundation

/// `alphaengine backtest`: a strategy over candles from a CSV file, in process, at full speed —
/// no HTTP, no sockets, no wall clock — on the simulator's matching and the live runner's planning.
struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest", abstract: "Run a strategy over candles from a CSV file and report its trades and metrics.")

    @OptionGroup var source: Source
    @Option(help: "The strategy, by its catalog name (sma_cross, ma_trend, grid, turtle, volatility_breakout).") var strategy: String
    @Option(help: "Its parameters as one JSON object, e.g. '{\"fast\":2,\"slow\":3,\"quantity\":\"0.01\",\"stop_pct\":\"0.02\"}'.")
    var params = "{}"
    @Option(help: "Write the full report as JSON to this file ('-' for standard output).") var json: String?
    @Option(help: "Write the report as one self-contained HTML file with its charts.") var html: String?
    @Option(name: .customLong("chart-js"), help: "Chart.js's directory, copied into the HTML report (default: Debian's libjs-chart.js).")
    var chartJSDirectory = WebCommand.debianChartJS
    @Flag(help: "Also save the run and its report in the store of --data-dir and --mode, where /api/backtests lists it.") var save = false

    func run() throws {
        let (file, settings) = try source.load()
        let parameters: JSONObject
        do { parameters = try JSONParser.parseObject(params) } catch { throw ValidationError("--params must be one JSON object: \(error)") }
        let engine: BacktestEngine
        do { engine = try BacktestEngine(strategy: strategy, parameters: parameters, settings: settings) } catch {
            throw ValidationFailure("\(error)", status: 64)
        }
        let terminal = isatty(STDERR_FILENO) == 1
        var shown = -1
        let report: BacktestReport
        do {
            report = try engine.run(file) { done, total in
                // A progress bar on a terminal, for runs long enough to need one.
                guard terminal, total >= 10_000 else { return }
                let percent = done * 100 / max(total, 1)
                guard percent != shown else { return }
                shown = percent
                let bar = String(repeating: "#", count: percent / 4) + String(repeating: ".", count: 25 - percent / 4)
                FileHandle.standardError.write(Data("\r[\(bar)] \(percent)% (\(done)/\(total) candles)".utf8))
                if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
            }
        } catch { throw ValidationFailure("backtest: \(error)", status: 1) }
        // Written out once, for the store and the file alike, and only for them.
        // Sized for the equity curve (about 66 bytes a point) so the megabytes are not copied as it grows.
        var document = JSONWriter(capacity: save || json != nil ? report.equity.count * 72 + (1 << 20) : 16)
        if save || json != nil { report.write(into: &document) }
        if save { try document.withBytes { bytes in try saveRun(report, document: String(decoding: bytes, as: UTF8.self)) } }
        if let html {
            // Chart.js's browser build (UMD: it defines the global `Chart` the drawing script uses).
            let library = ["chart.min.js", "Chart.min.js"].lazy.compactMap { try? String(contentsOfFile: chartJSDirectory + "/" + $0, encoding: .utf8) }.first
            try Self.write(Data(BacktestHTML.render(report, candles: file.candles, chartLibrary: library).utf8), to: html, flag: "--html")
            if library == nil { FileHandle.standardError.write(Data("alphaengine backtest: Chart.js not found in \(chartJSDirectory); the HTML has no charts\n".utf8)) }
        }
        switch json {
        case "-"?: document.withBytes { bytes in FileHandle.standardOutput.write(Data(bytes) + [10]) }
        case let path?:
            // Lent to the file as it is: the report is megabytes (a point a candle), not worth a copy.
            try document.withBytes { bytes in
                try Self.write(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: bytes.baseAddress!), count: bytes.count, deallocator: .none), to: path, flag: "--json")
            }
            print(report.summary)
            print("report: \(path)")
        case nil: print(report.summary)
        }
        if let html { print("html: \(html)") }
    }

    /// The run as the bot would have recorded it, asked for by "cli".
    func saveRun(_ report: BacktestReport, document: String) throws {
        guard let tradingMode = TradingMode(rawValue: source.mode) else { throw ValidationError("--mode must be production, testnet or sim") }
        try FileManager.default.createDirectory(atPath: source.dataDir, withIntermediateDirectories: true)
        let store = BacktestStore(database: try Database.openMigrated(path: databasePath(dataDirectory: source.dataDir, mode: tradingMode)))
        var request: JSONObject = ["strategy": .string(strategy), "parameters": .object(report.parameters), "symbol": .string(source.symbol),
                                   "timeframe": .string(report.timeframe.name)]
        request["source"] = .string(source.csv.map { "csv \($0)" } ?? (source.stored ? "stored" : "simulator seed \(source.simSeed)"))
        let id = Hex.encode(SecureRandom.bytes(16))
        let now = Timestamp.now()
        _ = try store.start(BacktestRun(id: id, createdAt: now, requestedBy: "cli", strategy: strategy, request: request))
        try store.finish(id: id, summary: report.headline, report: document, now: now)
        // With --json -, standard output is the report alone, for tools to read.
        let line = "saved: backtest \(id) (GET /api/backtests/\(id))"
        if json == "-" { FileHandle.standardError.write(Data((line + "\n").utf8)) } else { print(line) }
    }

    static func write(_ data: Data, to path: String, flag: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: data) else {
            throw ValidationFailure("\(flag) \(path) cannot be written", status: 73)
        }
    }


    /// Where the candles come from and what the backtest assumes: shared by `backtest` and `tune`.
    struct Source: ParsableArguments {
    @Option(help: "Candles from a CSV with the header time,open,high,low,close,volume (time ISO-8601 UTC or epoch ms).") var csv: String?
    @Flag(help: "Candles from the bot's store (the market data it keeps) in --data-dir, for --mode.") var stored = false
    @Option(help: "With --stored: the data directory.") var dataDir = EngineConfiguration.defaultDataDirectory
    @Option(help: "With --stored: production, testnet or sim.") var mode = "sim"
    @Option(help: "With --stored: the first candle's time, ISO-8601 UTC.") var from: String?
    @Option(help: "With --stored: the time the candles end, ISO-8601 UTC.") var until: String?
    @Option(help: "Candles from the simulator's seeded market: this many days of it, ending now.") var simDays: Int?
    @Option(help: "With --sim-days: the price process's seed (as `alphaengine sim --seed`).") var simSeed: UInt64 = 1
    @Option(help: "With --sim-days: annualized volatility (0.8 = 80 %).") var simVolatility = 0.8
    @Option(help: "The candles' timeframe (1m, 5m, 15m, 1h, 4h, 1d…).") var timeframe = "1m"
    @Option(help: "BTCUSDT or ETHUSDT (the simulator's symbols and their rules).") var symbol = "BTCUSDT"
    @Option(help: "Starting USDT balance.") var balance = "10000"
    @Option(help: "Slippage of market orders, in basis points of the next open.") var slippageBps = "0"
    @Option(help: "Maker fee rate (0.0002 = 0.02 %).") var makerFee = "0.0002"
    @Option(help: "Taker fee rate.") var takerFee = "0.0005"
    @Option(help: "Funding rate every 8 h (positive: longs pay).") var fundingRate = "0"
    @Option(help: "Leverage (1–125).") var leverage = 20


        /// The candles and the settings, checked.
        func load() throws -> (CandleFile, BacktestSettings) {
            guard let frame = Timeframe(timeframe) else { throw ValidationError("--timeframe \(timeframe) is not one of \(Timeframe.all.map(\.name).joined(separator: ", "))") }
            var settings = BacktestSettings(symbol: symbol)
            settings.initialBalance = try Self.amount(balance, "--balance", positive: true)
            settings.slippageBasisPoints = try Self.amount(slippageBps, "--slippage-bps")
            settings.makerFee = try Self.amount(makerFee, "--maker-fee")
            settings.takerFee = try Self.amount(takerFee, "--taker-fee")
            guard let rate = Amount(fundingRate) else { throw ValidationError("--funding-rate must be a decimal such as 0.0001, not \(fundingRate)") }
            settings.fundingRate = rate
            guard (1...125).contains(leverage) else { throw ValidationError("--leverage must be from 1 to 125") }
            settings.leverage = leverage
            return (try candles(frame), settings)
        }

        /// The candles from the one source asked for.
        func candles(_ frame: Timeframe) throws -> CandleFile {
            let sources = [csv != nil, stored, simDays != nil].filter { $0 }.count
            guard sources == 1 else { throw ValidationError("give one source of candles: --csv FILE, --stored or --sim-days N") }
            if let csv {
                guard let data = FileManager.default.contents(atPath: csv) else { throw ValidationError("--csv \(csv) cannot be read") }
                // Read where it lies: a year of minutes is tens of megabytes.
                do { return try data.withUnsafeBytes { (raw) throws(CandleFile.Invalid) in try CandleFile.parse(raw.bindMemory(to: UInt8.self), timeframe: frame) } } catch { throw ValidationFailure("\(csv): \(error)", status: 65) }
            }
            if let simDays {
                guard (1...365).contains(simDays) else { throw ValidationError("--sim-days must be from 1 to 365") }
                guard let spec = [SimSymbol.btcusdt, .ethusdt].first(where: { $0.name == symbol }),
                      let price = SimConfiguration.randomKeys().prices[symbol] else { throw ValidationError("--symbol \(symbol): the simulator has BTCUSDT and ETHUSDT") }
                // As `alphaengine sim` seeds its history: the same seed, the same candles (ETHUSDT's seed is offset as there).
                let now = Timestamp.now().millisecondsSinceEpoch
                let seed = symbol == "BTCUSDT" ? simSeed : simSeed &+ UInt64(1) &* 0x9E37_79B9
                let minutes = SimHistory.candles(symbol: spec, price: price, end: now - now % 60_000, minutes: simDays * 1440, seed: seed,
                                                 volatility: simVolatility)
                return CandleFile(candles: CandleFile.merging(minutes: minutes, into: frame), timeframe: frame)
            }
            guard let tradingMode = TradingMode(rawValue: mode) else { throw ValidationError("--mode must be production, testnet or sim") }
            let path = databasePath(dataDirectory: dataDir, mode: tradingMode)
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("--stored: no database at \(path)") }
            func time(_ text: String?, _ flag: String) throws -> Int64? {
                guard let text else { return nil }
                guard let parsed = Timestamp(iso8601: text) else {
                    throw ValidationError("\(flag) must be ISO-8601 UTC such as 2026-01-02T00:00:00Z")
                }
                return parsed.millisecondsSinceEpoch
            }
            let candles = try MarketDataStore(database: try Database.openMigrated(path: path))
                .candles(symbol: symbol, timeframe: frame, from: try time(from, "--from"), until: try time(until, "--until"), limit: 10_000_000)
            guard !candles.isEmpty else { throw ValidationFailure("--stored: the store has no \(symbol) \(frame) candles in that range", status: 65) }
            return CandleFile(candles: candles, timeframe: frame)
        }

        static func amount(_ text: String, _ flag: String, positive: Bool = false) throws -> Amount {
            guard let value = Amount(text), !value.isNegative, !(positive && value.isZero) else {
                throw ValidationError("\(flag) must be a \(positive ? "positive" : "non-negative") decimal such as 10000, not \(text)")
            }
            return value
        }
    }
}
