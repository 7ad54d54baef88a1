import AlphaCore
import AlphaJSON
import AlphaTestSupport
import Foundation
import Testing

/// Backtests through the API (issue 16): an admin posts `RunBacktest`, the real bot runs it over the
/// candles it keeps beside its loop, and `/api/backtests` lists it and hands out its report — the
/// same report `alphaengine backtest --stored` makes from the same candles.
@Suite("Backtests through the API and the bot", .serialized)
struct BacktestAPITests {
    static func object(_ text: String) throws -> JSONObject { try JSONParser.parseObject(text) }

    @Test("RunBacktest: bad fields refused by name; a good one ACKed at once, DONE with its report, listed newest first, equal to the CLI's over the same candles; an unknown id is a 404")
    func runThroughTheBot() throws {
        let session = try DemoSession("backtest-api")
        let (directory, port, token) = (session.directory, session.port, session.token)

        func post(_ payload: String) throws -> RawClient.Response {
            try DemoTests.call(port, "POST", "/api/commands", token: token, body: #"{"type":"RunBacktest","payload":\#(payload)}"#)
        }
        // Each mistake named before anything is stored.
        for (payload, field) in [(#"{"strategy":"sma_cross","parameters":{"fsat":3}}"#, "payload.parameters.fsat"),
                                 (#"{"strategy":"smacross"}"#, "payload.strategy"),
                                 (#"{"strategy":"sma_cross","timeframe":"7m"}"#, "payload.timeframe"),
                                 (#"{"strategy":"sma_cross","from":"yesterday"}"#, "payload.from"),
                                 (#"{"strategy":"sma_cross","slippageBps":"-1"}"#, "payload.slippageBps")] {
            let refused = try post(payload)
            #expect(refused.status == 400 && refused.text.contains(field), "\(payload): \(refused.status) \(refused.text)")
        }

        // The bot keeps one-minute candles of the symbol it follows: back-filled at boot.
        let parameters = #"{"fast":3,"slow":8,"quantity":"0.01","stop_pct":"0.02"}"#
        // A range well inside what the bot keeps, so candles it drops as new ones arrive are not in it.
        let now = Timestamp.now().millisecondsSinceEpoch
        let minute = now - now % 60_000
        let asked = (Timestamp(millisecondsSinceEpoch: minute - 600 * 60_000).iso8601, Timestamp(millisecondsSinceEpoch: minute - 2 * 60_000).iso8601)
        let posted = try post(#"{"strategy":"sma_cross","parameters":\#(parameters),"timeframe":"1m","slippageBps":"2","#
            + #""from":"\#(asked.0)","until":"\#(asked.1)"}"#)
        #expect(posted.status == 202, "\(posted.text)")
        let location = try #require(posted.header("Location"))
        var command: JSONObject = [:]
        #expect(eventually(within: 15) {
            command = (try? Self.object(DemoTests.call(port, "GET", location, token: token).text)) ?? [:]
            return command["status"] == .string("ACK")
        }, "\(command)")
        guard case .object(let result)? = command["result"], case .string(let id)? = result["backtestId"] else {
            Issue.record("no backtestId in \(command)")
            return
        }
        var run: JSONObject = [:]
        #expect(eventually(within: 60) {
            run = (try? Self.object(DemoTests.call(port, "GET", "/api/backtests/\(id)", token: token).text)) ?? [:]
            return run["status"] == .string("DONE")
        }, "\(run)")
        guard case .object(let report)? = run["report"], case .object(let data)? = report["data"], case .object(let summary)? = run["summary"] else {
            Issue.record("no report in \(run)")
            return
        }
        #expect(report["strategy"] == .string("sma_cross") && run["requestedBy"] == .string("web:demo"))
        if case .number(let text)? = data["candles"], let count = Int(text) {
            #expect(count >= 100, "the candles the bot keeps: \(data)")
        } else {
            Issue.record("no candle count in \(data)")
        }
        #expect(summary["metrics"] == report["metrics"], "the list's summary is the report's metrics")
        guard case .array(let trades)? = report["trades"], case .string(let from)? = data["from"], case .string(let until)? = data["until"] else {
            Issue.record("no trades or range in \(report)")
            return
        }

        // The same candles through the CLI: the same trades, entry for entry.
        let process = Process()
        process.executableURL = BuiltExecutable.url("alphaengine")
        let lastOpen = try #require(Timestamp(iso8601: until)).millisecondsSinceEpoch - 60_000
        process.arguments = ["backtest", "--stored", "--data-dir", directory, "--mode", "sim", "--from", from,
                             "--until", Timestamp(millisecondsSinceEpoch: lastOpen).iso8601, "--strategy", "sma_cross", "--params", parameters,
                             "--slippage-bps", "2", "--json", "-"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let cli = try Self.object(String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(cli["trades"] == .array(trades) && cli["data"] == .object(data), "API \(trades.count) trades over \(data); CLI \(cli["data"] ?? .null)")

        let list = try Self.object(DemoTests.call(port, "GET", "/api/backtests?limit=5", token: token).text)
        guard case .array(let runs)? = list["backtests"], case .object(let first)? = runs.first else {
            Issue.record("no list: \(list)")
            return
        }
        #expect(first["id"] == .string(id) && first["status"] == .string("DONE") && first["report"] == nil, "the list carries no reports: \(first)")
        #expect(try DemoTests.call(port, "GET", "/api/backtests/no-such-run", token: token).status == 404)
        #expect(try DemoTests.call(port, "GET", "/api/backtests?before=no-such-run", token: token).status == 404)
    }
}
