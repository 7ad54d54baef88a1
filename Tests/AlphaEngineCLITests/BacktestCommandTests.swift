import AlphaCore
import AlphaJSON
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// `alphaengine backtest` as a trader runs it: a CSV in, a summary and a JSON report out.
@Suite struct BacktestCommandTests {
    func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = BuiltExecutable.url("alphaengine")
        process.arguments = ["backtest"] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile(), err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    @Test("sma_cross over a CSV with an outage: the summary names the gap, the JSON report's trades add up to its fills and the equity to the wallet; a bad row is refused with its line")
    func endToEnd() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alphaengine-backtest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Up 12 candles, down 12, three times, with a 30-minute hole in the middle.
        var rows = ["time,open,high,low,close,volume"]
        var price = 50_000
        let start: Int64 = 1_767_225_600_000
        for index in 0..<72 {
            let time = start + Int64(index + (index >= 36 ? 30 : 0)) * 60_000
            let next = price + ((index / 12) % 2 == 0 ? 100 : -100)
            rows.append("\(time),\(price),\(max(price, next) + 20),\(min(price, next) - 20),\(next),1")
            price = next
        }
        let csv = directory.appendingPathComponent("candles.csv").path
        try (rows.joined(separator: "\n") + "\n").write(toFile: csv, atomically: true, encoding: .utf8)
        let report = directory.appendingPathComponent("report.json").path
        let params = #"{"fast":2,"slow":3,"quantity":"0.01","stop_pct":"0.02"}"#
        let page = directory.appendingPathComponent("report.html").path
        let ran = try run(["--strategy", "sma_cross", "--params", params, "--csv", csv, "--json", report, "--html", page])
        #expect(ran.status == 0, "\(ran.errors)")
        #expect(ran.output.contains("72 candles") && ran.output.contains("gaps: 1 (longest 30 candles missing"), "\(ran.output)")
        let json = try JSONParser.parseObject(String(contentsOfFile: report, encoding: .utf8))
        guard case .array(let trades)? = json["trades"], case .array(let fills)? = json["fills"], case .object(let metrics)? = json["metrics"],
              case .array(let equity)? = json["equity"] else { Issue.record("no report: \(json)"); return }
        #expect(!trades.isEmpty && fills.count >= 2 * (trades.count - 1) && equity.count == 72)
        // Every trade's PnL and fees come from its fills: together they are the fills' totals.
        func total(_ list: [JSONValue], _ field: String) -> Amount {
            list.reduce(.zero) { sum, item in
                guard case .object(let object) = item, case .string(let text)? = object[field], let value = Amount(text) else { return sum }
                return sum + value
            }
        }
        #expect(total(trades, "pnl") == total(fills, "realizedPnl"))
        #expect(total(trades, "fees") == total(fills, "fee") && metrics["feesPaid"] == .string(total(fills, "fee").description))

        // One file that opens offline: the chart library inside it, the data in a script no value can close.
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.contains(#"<canvas id="equity">"#) && html.contains(#"<canvas id="price">"#) && html.contains("Chart.js v"))
        #expect(!html.contains("src=\"") && html.components(separatedBy: "</script>").count == 4, "three inline scripts, nothing loaded")

        // --save: the same report in the store, where /api/backtests lists it, asked for by "cli".
        let saved = try run(["--strategy", "sma_cross", "--params", params, "--csv", csv, "--save", "--data-dir", directory.path, "--mode", "sim",
                             "--json", directory.appendingPathComponent("saved.json").path])
        #expect(saved.status == 0 && saved.output.contains("saved: backtest "), "\(saved.output) \(saved.errors)")
        let store = BacktestStore(database: try Database.openMigrated(path: directory.appendingPathComponent("alphaengine-sim.db").path))
        let runs = try store.runs(before: nil, limit: 10)
        #expect(runs.count == 1 && runs.first?.requestedBy == "cli" && runs.first?.status == .done && runs.first?.summary?["metrics"] == .object(metrics))
        let stored = try runs.first.flatMap { try store.report(id: $0.id) }.map { try JSONParser.parseObject($0) }
        #expect(stored?["trades"] == .array(trades), "the stored report is the one written")
        // With --json - standard output stays the report alone; the saved line goes to standard error.
        let piped = try run(["--strategy", "sma_cross", "--params", params, "--csv", csv, "--save", "--data-dir", directory.path, "--json", "-"])
        #expect(piped.status == 0 && (try? JSONParser.parseObject(piped.output)) != nil && piped.errors.contains("saved: backtest "),
                "\(piped.output.prefix(200)) | \(piped.errors)")

        let bad = directory.appendingPathComponent("bad.csv").path
        try "time,open,high,low,close,volume\n2026-01-01T00:00:00Z,1,1,1,x,1\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try run(["--strategy", "sma_cross", "--csv", bad])
        #expect(refused.status != 0 && refused.errors.contains("line 2: close 'x' is not a positive decimal"), "\(refused.errors)")
    }

    @Test("the other sources: the simulator's seeded market (the same seed, the same trades) and the bot's stored candles; one source at a time")
    func otherSources() throws {
        let params = #"{"fast":5,"slow":20,"quantity":"0.01","stop_pct":"0.01"}"#
        func prices(_ output: String) throws -> [String] {
            guard case .array(let fills)? = try JSONParser.parseObject(output)["fills"] else { return [] }
            return fills.compactMap { if case .object(let fill) = $0, case .string(let price)? = fill["price"] { price } else { nil } }
        }
        let first = try run(["--strategy", "sma_cross", "--params", params, "--sim-days", "2", "--sim-seed", "5", "--timeframe", "15m", "--json", "-"])
        let again = try run(["--strategy", "sma_cross", "--params", params, "--sim-days", "2", "--sim-seed", "5", "--timeframe", "15m", "--json", "-"])
        let other = try run(["--strategy", "sma_cross", "--params", params, "--sim-days", "2", "--sim-seed", "6", "--timeframe", "15m", "--json", "-"])
        let (one, two, three) = (try prices(first.output), try prices(again.output), try prices(other.output))
        #expect(first.status == 0 && !one.isEmpty, "\(first.errors)")
        #expect(one == two && one != three)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alphaengine-stored-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let start: Int64 = 1_767_225_600_000
        let candles = (0..<120).map { index in
            let price = Amount(50_000 + (index % 30 < 15 ? index % 15 : 15 - index % 15) * 20)
            return Candle(openTime: start + Int64(index) * 60_000, closeTime: start + Int64(index + 1) * 60_000 - 1, open: price, high: price + Amount(5),
                          low: price - Amount(5), close: price, volume: Amount(1))
        }
        let database = try Database.openMigrated(path: directory.path + "/alphaengine-sim.db")
        try MarketDataStore(database: database).store(candles, symbol: "BTCUSDT", timeframe: .oneMinute, keep: 1_000)
        let stored = try run(["--strategy", "sma_cross", "--params", params, "--stored", "--data-dir", directory.path])
        #expect(stored.status == 0 && stored.output.contains("120 candles, 2026-01-01T00:00:00.000Z"), "\(stored.output) \(stored.errors)")
        let both = try run(["--strategy", "sma_cross", "--stored", "--data-dir", directory.path, "--sim-days", "1"])
        #expect(both.status != 0 && both.errors.contains("give one source of candles"))
    }
}
