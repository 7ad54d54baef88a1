import AlphaCore
import AlphaJSON
import AlphaTestSupport
import Foundation
import Testing
@testable import AlphaBacktest

/// AlphaEngine's backtest against an independent engine (issue 16): backtesting.py from PyPI, on
/// the same candles with the same semantics (`Peers/backtesting_py_sma_cross.py`). Installed by
/// `scripts/setup-python-clients` into `.venv-clients`.
@Suite("Backtest cross-check: sma_cross trade for trade against backtesting.py")
struct BacktestCrossCheckTests {
    static let python = PythonPeer.repositoryRoot.appendingPathComponent(".venv-clients/bin/python").path

    /// A seeded random walk around 500 on the 0.1 tick, one-minute candles, with a gap.
    static func csv(candles: Int, seed: UInt64) -> String {
        var random = SeededGenerator(seed: seed)
        var rows = ["time,open,high,low,close,volume"]
        var price = 5_000  // tenths
        let start: Int64 = 1_767_225_600_000
        for index in 0..<candles {
            let time = start + Int64(index + (index >= candles / 2 ? 45 : 0)) * 60_000  // 45 candles missing half-way
            let close = max(1_000, price + Int(random.next() % 61) - 30)
            let high = max(price, close) + Int(random.next() % 8), low = min(price, close) - Int(random.next() % 8)
            func text(_ tenths: Int) -> String { "\(tenths / 10).\(tenths % 10)" }
            rows.append("\(time),\(text(price)),\(text(high)),\(text(low)),\(text(close)),1")
            price = close
        }
        return rows.joined(separator: "\n") + "\n"
    }

    @Test("same candles, same semantics: every entry and exit at the same time and price", arguments: [UInt64(3), 11])
    func sameTrades(seed: UInt64) throws {
        let text = Self.csv(candles: 3_000, seed: seed)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("crosscheck-\(UUID().uuidString).csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }

        var settings = BacktestSettings()
        settings.makerFee = .zero
        settings.takerFee = .zero
        let engine = try BacktestEngine(strategy: "sma_cross", parameters: ["fast": 5, "slow": 20, "quantity": "1", "stop_pct": "0.002"], settings: settings)
        let report = try engine.run(try CandleFile.parse(text, timeframe: .oneMinute))
        let ours = report.trades.filter { $0.exitTime != nil }.map { trade in
            "\(trade.entryTime) \(trade.exitTime!) \(trade.entryPrice) \(trade.exitPrice!) \(trade.quantity)"
        }

        let peer = try PythonPeer(suite: "AlphaBacktestTests", "backtesting_py_sma_cross.py", arguments: [path, "5", "20", "0.002", "1"],
                                  python: Self.python)
        let line = try #require(peer.readLine(), "backtesting.py printed nothing")
        #expect(peer.wait() == 0)
        guard case .array(let rows) = try JSONParser.parse(line) else { Issue.record("not a list: \(line.prefix(200))"); return }
        let theirs = rows.compactMap { row -> String? in
            guard case .object(let trade) = row, case .number(let entry)? = trade["entryTime"], case .number(let exit)? = trade["exitTime"],
                  case .string(let entryPrice)? = trade["entryPrice"], case .string(let exitPrice)? = trade["exitPrice"],
                  case .number(let size)? = trade["size"] else { return nil }
            return "\(entry) \(exit) \(Amount(entryPrice)!) \(Amount(exitPrice)!) \(size)"
        }
        #expect(ours.count >= 20, "a test worth its name trades: \(ours.count) trades")
        #expect(ours == theirs, "first difference: \(zip(ours, theirs).first { $0 != $1 }.map { "ours \($0.0) / theirs \($0.1)" } ?? "count \(ours.count) vs \(theirs.count)")")
        // The stops matter: some trades end on one, inside a candle at its own price, which is no candle's open.
        let opens = Set(try CandleFile.parse(text, timeframe: .oneMinute).candles.map(\.open))
        let stopped = report.trades.filter { $0.exitPrice.map { !opens.contains($0) } ?? false }.count
        #expect(stopped > 0, "no trade ended on its stop")
        print("cross-check seed \(seed): \(ours.count) trades, \(stopped) ended on their stop, identical in backtesting.py")
    }
}
