import AlphaCore
import AlphaJSON
import Testing
@testable import AlphaBacktest

@Suite("Parameter search: grid, seeded random draw, walk-forward on both cores")
struct ParameterSearchTests {
    @Test("every set on every window gives what its own backtest gives; each fold takes the best set of the window before and is scored on the next")
    func walkForward() throws {
        let text = BacktestCrossCheckTests.csv(candles: 2_400, seed: 21)
        let file = try CandleFile.parse(text, timeframe: .oneMinute)
        let sets = ParameterSearch.grid([("fast", [.number("3"), .number("5"), .number("8")]), ("slow", [.number("13"), .number("21")])],
                                        base: ["quantity": "1", "stop_pct": "0.002"])
        #expect(sets.count == 6 && sets[1]["fast"] == .number("3") && sets[1]["slow"] == .number("21"))
        let search = ParameterSearch(strategy: "sma_cross", base: [:], settings: BacktestSettings(), score: .return)
        let result = try search.run(file, sets: sets, windows: 3)

        // The parallel scores are each set's own backtest on each window, run one at a time here.
        let size = file.candles.count / 3
        for (index, candidate) in result.candidates.enumerated() {
            for window in 0..<3 {
                let slice = Array(file.candles[(window * size)..<(window == 2 ? file.candles.count : (window + 1) * size)])
                let report = try BacktestEngine(strategy: "sma_cross", parameters: sets[index], settings: BacktestSettings())
                    .run(CandleFile(candles: slice, timeframe: .oneMinute))
                #expect(candidate.scores[window] == Double(report.metrics.totalReturn.description), "set \(index) window \(window)")
            }
        }
        #expect(result.folds.map(\.test) == [1, 2])
        for fold in result.folds {
            let fitted = result.candidates.compactMap { $0.scores[fold.test - 1] }.max()
            let chosen = try #require(result.candidates.first { $0.parameters == fold.chosen })
            #expect(fold.inSample == fitted && chosen.scores[fold.test - 1] == fitted && fold.outOfSample == chosen.scores[fold.test])
        }
        #expect(result.recommended == result.candidates.max { ($0.scores[2] ?? -1) < ($1.scores[2] ?? -1) }?.parameters)
    }

    @Test("a random draw is seeded: the same seed, the same sets; never more than the grid holds, never one twice")
    func randomDraw() {
        let sets = ParameterSearch.grid([("fast", (2...9).map { .number(String($0)) }), ("slow", (10...15).map { .number(String($0)) })], base: [:])
        let first = ParameterSearch.random(sets, count: 10, seed: 42)
        #expect(first == ParameterSearch.random(sets, count: 10, seed: 42) && first != ParameterSearch.random(sets, count: 10, seed: 43))
        #expect(Set(first.map(\.serialized)).count == 10 && ParameterSearch.random(sets, count: 100, seed: 1).count == sets.count)
    }
}
