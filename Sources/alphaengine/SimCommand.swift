import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaSettings
import AlphaSim
import AlphaSystem
import ArgumentParser
import Foundation

/// `alphaengine sim`: the embedded Binance USDⓈ-M simulator on its own, for curl, ccxt or the
/// official connectors (`--venue upbit`: the Upbit KRW spot simulator, for pyupbit and upbit-sdk).
/// Its first line on standard output is one JSON object with the URLs and keys; it runs until
/// SIGINT or SIGTERM.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim", abstract: "Run the Binance USDⓈ-M simulator (or, with --venue upbit, Upbit's) on loopback.")

    @Option(help: "binance (USDⓈ-M futures) or upbit (KRW spot).") var venue = "binance"

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port (0 picks a free one; default 9901, or 9902 for Upbit, where the bot looks for each).") var port: UInt16?
    @Option(help: "The simulator's YAML settings (keys, balance, prices, seed, speed…); flags override it.") var config: String?
    @Option(help: "API key clients must send (default: random).") var apiKey: String?
    @Option(help: "API secret clients sign with (default: random).") var apiSecret: String?
    @Option(help: "Starting USDT wallet balance (default 10000).") var balance: String?
    @Option(help: "Seed of the price process (same seed, same prices; default 1).") var seed: UInt64?
    @Option(help: "Market time per wall-clock time (2880: a funding period every 10 s; default 1).") var speed: Double?
    @Option(help: "Annualized volatility of the price process (0.8 = 80 %, the default).") var volatility: Double?
    @Option(help: "Days of one-minute candles made before the start, 0 to 25 (default 14).") var historyDays: Int?
    @Option(help: "Quantity available per price level, e.g. 0.5 (default: unlimited, no partial fills).") var liquidity: String?
    @Option(help: "Replay this CSV's closes (a `close` column, as `alphaengine backtest` reads) as the market, one candle a row from the start.")
    var replay: String?
    @Option(help: "With --replay: the symbol it moves.") var replaySymbol = "BTCUSDT"
    @Option(help: "With --replay: the candles' interval (1m, 5m, …); --speed sets how fast market time runs.") var replayInterval = "1m"

    func validate() throws {
        if let balance, Amount(balance).map({ $0.isNegative }) ?? true {
            throw ValidationError("--balance must be a plain decimal such as 10000, not \(balance)")
        }
        if let speed, !(speed > 0 && speed <= 1_000_000) { throw ValidationError("--speed must be between 0 and 1000000") }
        if let volatility, !(volatility >= 0 && volatility <= 10) { throw ValidationError("--volatility must be between 0 and 10") }
        if let liquidity, Amount(liquidity).map({ $0.isNegative || $0.isZero }) ?? true {
            throw ValidationError("--liquidity must be a positive decimal such as 0.5, not \(liquidity)")
        }
        if let historyDays, !(0...25).contains(historyDays) { throw ValidationError("--history-days must be from 0 to 25") }
        if (apiKey == nil) != (apiSecret == nil) { throw ValidationError("give both --api-key and --api-secret, or neither") }
        guard ["binance", "upbit"].contains(venue) else { throw ValidationError("--venue must be binance or upbit, not \(venue)") }
        if venue == "upbit", config != nil || replay != nil || liquidity != nil || speed != nil {
            throw ValidationError("--venue upbit takes --api-key/--api-secret (its access and secret keys), --balance (KRW), --seed and --history-days")
        }
    }

    func run() throws {
        if venue == "upbit" { return try runUpbit() }
        var file = SimSettingsFile()
        if let config {
            do {
                file = try SimSettingsFile.load(path: config)
            } catch {
                FileHandle.standardError.write(Data("alphaengine sim: \(error)\n".utf8))
                throw ExitCode(78)  // EX_CONFIG, as for the engine's own configuration
            }
        }
        let shutdown = try ShutdownSignal()
        var configuration = SimConfiguration.randomKeys()
        if let key = apiKey ?? file.apiKey, let secret = apiSecret ?? file.apiSecret {
            configuration = SimConfiguration(apiKey: key, apiSecret: secret)
        }
        if let token = file.controlToken { configuration.controlToken = token }
        configuration.initialBalance = balance.flatMap { Amount($0) } ?? file.balance ?? configuration.initialBalance
        for (symbol, price) in file.prices where configuration.prices[symbol] != nil { configuration.prices[symbol] = price }
        let service = SimService(configuration: configuration)
        if let level = liquidity.flatMap({ Amount($0) }) ?? file.liquidity { service.withExchange { $0.liquidityPerLevel = level } }
        let server = try listen(service.router.handler)
        let base = "\(host):\(server.port)"
        let banner: JSONValue = .object([
            "rest": .string("http://\(base)"),
            "ws": .string("ws://\(base)"),
            "control": .string("http://\(base)/sim/v1"),
            "controlToken": .string(configuration.controlToken),
            "apiKey": .string(configuration.apiKey),
            "apiSecret": .string(configuration.apiSecret),
        ])
        var market = SimMarketDriver.Settings()
        market.seed = seed ?? file.seed ?? market.seed
        market.speed = speed ?? file.speed ?? market.speed
        market.volatility = volatility ?? file.volatility ?? market.volatility
        market.historyDays = historyDays ?? file.historyDays ?? market.historyDays
        let driver = SimMarketDriver(service: service, settings: market)
        driver.start()
        if let replay {
            guard let data = FileManager.default.contents(atPath: replay), let text = String(data: data, encoding: .utf8) else {
                FileHandle.standardError.write(Data("alphaengine sim: --replay \(replay) cannot be read as UTF-8 text\n".utf8))
                throw ExitCode(66)
            }
            do throws(HTTPRequestRejection) {
                let path = try service.replay(csv: text, symbol: replaySymbol, interval: replayInterval)
                FileHandle.standardError.write(Data("alphaengine sim: replaying \(path.closes.count) \(replaySymbol) candles from \(replay)\n".utf8))
            } catch {
                FileHandle.standardError.write(Data("alphaengine sim: --replay \(replay): \(String(decoding: error.response.body, as: UTF8.self))\n".utf8))
                throw ExitCode(65)
            }
        }
        FileHandle.standardOutput.write(Data((banner.serialized + "\n").utf8))
        while shutdown.wait(milliseconds: 1000) == nil {}
        driver.stop()
        server.shutdown()
    }

    /// The Upbit KRW spot simulator: REST with Upbit's paths, JWT checks and JSON, and a control API.
    func runUpbit() throws {
        let shutdown = try ShutdownSignal()
        var configuration = UpbitSimConfiguration.randomKeys()
        if let apiKey, let apiSecret { configuration = UpbitSimConfiguration(accessKey: apiKey, secretKey: apiSecret) }
        if let balance = balance.flatMap({ Amount($0) }) { configuration.krw = balance }
        if let seed { configuration.seed = seed }
        if let historyDays { configuration.historyDays = historyDays }
        let service = UpbitSimService(configuration: configuration)
        let server = try listen(service.router.handler)
        let base = "\(host):\(server.port)"
        let banner: JSONValue = .object([
            "venue": "upbit", "rest": .string("http://\(base)"), "control": .string("http://\(base)/sim/v1"),
            "controlToken": .string(configuration.controlToken), "accessKey": .string(configuration.accessKey),
            "secretKey": .string(configuration.secretKey),
        ])
        FileHandle.standardOutput.write(Data((banner.serialized + "\n").utf8))
        while shutdown.wait(milliseconds: 1000) == nil {}
        server.shutdown()
    }

    /// --port, or the venue's own default (Binance's simulator on 9901, Upbit's on 9902).
    var listenPort: UInt16 { port ?? (venue == "upbit" ? 9902 : 9901) }

    /// The server on --host and --port, started; exit status 1 when it cannot listen there.
    func listen(_ handler: @escaping HTTPHandler) throws -> HTTPServer {
        var configuration = HTTPServerConfiguration()
        configuration.host = host
        configuration.port = listenPort
        let server = HTTPServer(configuration: configuration, handler: handler)
        do {
            try server.start()
        } catch {
            FileHandle.standardError.write(Data("alphaengine sim: cannot listen on \(host):\(listenPort): \(error)\n".utf8))
            throw ExitCode(1)
        }
        return server
    }
}
