import AlphaCore
import AlphaJSON
import Foundation
import Synchronization

/// Searches a strategy's parameters (issue 16) without fooling itself: the candles are cut into
/// consecutive windows, every candidate set is backtested on every window (in parallel, one run a
/// core), and walk-forward picks, for each window, the set that scored best on the window before —
/// so each chosen set is scored on candles it was not chosen on.
public struct ParameterSearch {
    public enum Score: String, Sendable, CaseIterable {
        case sharpe, `return`

        func of(_ report: BacktestReport) -> Double {
            switch self {
            case .sharpe: report.metrics.sharpe ?? 0
            case .return: report.metrics.totalReturn.doubleValue
            }
        }
    }

    public struct Candidate: Sendable, Equatable {
        public var parameters: JSONObject
        /// The score on each window, in time order (nil where the set cannot run, e.g. fast ≥ slow).
        public var scores: [Double?]
    }

    public struct Fold: Sendable, Equatable {
        /// Fitted on window `test − 1`, scored on window `test`.
        public var test: Int
        public var chosen: JSONObject
        public var inSample: Double
        public var outOfSample: Double
    }

    public struct Result: Sendable {
        public var candidates: [Candidate]
        public var folds: [Fold]
        public var windows: [(from: Int64, until: Int64)]
        /// The mean out-of-sample score of the walk-forward choices.
        public var walkForwardScore: Double { folds.isEmpty ? 0 : folds.map(\.outOfSample).reduce(0, +) / Double(folds.count) }
        /// The set fitted on the last window: what a trader would run next.
        public var recommended: JSONObject?
    }

    public let strategy: String
    public let base: JSONObject
    public let settings: BacktestSettings
    public let score: Score

    public init(strategy: String, base: JSONObject, settings: BacktestSettings, score: Score) {
        self.strategy = strategy
        self.base = base
        self.settings = settings
        self.score = score
    }

    /// Every combination of the grid's values over `base` (names in the order given).
    public static func grid(_ axes: [(String, [JSONValue])], base: JSONObject) -> [JSONObject] {
        axes.reduce([base]) { sets, axis in
            sets.flatMap { set in axis.1.map { value in
                var next = set
                next[axis.0] = value
                return next
            } }
        }
    }

    /// `count` distinct sets drawn from the grid with a seeded generator (all of them when fewer).
    public static func random(_ sets: [JSONObject], count: Int, seed: UInt64) -> [JSONObject] {
        guard count < sets.count else { return sets }
        var state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
        var pool = sets
        var drawn: [JSONObject] = []
        while drawn.count < count {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17  // xorshift: the same seed, the same draw
            drawn.append(pool.remove(at: Int(state % UInt64(pool.count))))
        }
        return drawn
    }

    public func run(_ file: CandleFile, sets: [JSONObject], windows count: Int) throws -> Result {
        let candles = file.candles
        let size = candles.count / count
        let windows = (0..<count).map { index in
            CandleFile(candles: Array(candles[(index * size)..<(index == count - 1 ? candles.count : (index + 1) * size)]), timeframe: file.timeframe)
        }
        let jobs = sets.indices.flatMap { set in windows.indices.map { (set, $0) } }
        let results = Mutex(Array(repeating: [Double?](repeating: nil, count: count), count: sets.count))
        let strategy = self.strategy, settings = self.settings, score = self.score
        // One backtest per (set, window), spread over the cores; each run is a value of its own.
        DispatchQueue.concurrentPerform(iterations: jobs.count) { index in
            let (set, window) = jobs[index]
            guard let engine = try? BacktestEngine(strategy: strategy, parameters: sets[set], settings: settings),
                  let report = try? engine.run(windows[window]) else { return }
            let value = score.of(report)
            results.withLock { $0[set][window] = value }
        }
        let scores = results.withLock { $0 }
        let candidates = sets.indices.map { Candidate(parameters: sets[$0], scores: scores[$0]) }
        func best(on window: Int) -> Candidate? {
            candidates.filter { $0.scores[window] != nil }.max { $0.scores[window]! < $1.scores[window]! }
        }
        var folds: [Fold] = []
        for test in 1..<max(count, 1) {
            guard let chosen = best(on: test - 1), let outOfSample = chosen.scores[test] else { continue }
            folds.append(Fold(test: test, chosen: chosen.parameters, inSample: chosen.scores[test - 1]!, outOfSample: outOfSample))
        }
        let spans = windows.map { ($0.candles.first?.openTime ?? 0, ($0.candles.last?.closeTime ?? 0) + 1) }
        return Result(candidates: candidates, folds: folds, windows: spans, recommended: best(on: count - 1)?.parameters)
    }
}

