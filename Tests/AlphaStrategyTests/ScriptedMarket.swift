import AlphaCore
import AlphaStrategy

/// Candles from a list of closes, and a loop that feeds them to a strategy one close at a time,
/// filling every target at the close (as a market order would, give or take the spread).
struct ScriptedMarket {
    var timeframe: Timeframe
    var start: Int64
    var candles: [Candle] = []

    /// Each candle opens at the previous close and spans it and its own close, widened by `wick`.
    init(closes: [Amount], timeframe: Timeframe = Timeframe("1h")!, start: Int64 = 1_767_225_600_000, wick: Amount = 0) {
        self.timeframe = timeframe
        self.start = start
        var previous = closes.first ?? 0
        for (index, close) in closes.enumerated() {
            let open = previous
            let time = start + Int64(index) * timeframe.milliseconds
            candles.append(Candle(openTime: time, closeTime: time + timeframe.milliseconds - 1, open: open,
                                  high: max(open, close) + wick, low: min(open, close) - wick, close: close, volume: 1))
            previous = close
        }
    }

    init(candles: [Candle], timeframe: Timeframe) {
        self.timeframe = timeframe
        self.start = candles.first?.openTime ?? 0
        self.candles = candles
    }

    struct Step {
        var index: Int
        var output: StrategyOutput
        var position: StrategyPosition
    }

    /// Runs the strategy at every close; returns each step that made a decision.
    func run(_ strategy: any Strategy, symbol: String = "BTCUSDT", equity: Amount = 10_000, parameters: StrategyParameters,
             position start: StrategyPosition = .flat, state: JSONObject = [:]) throws -> [Step] {
        let needed = strategy.requirements(primary: timeframe).map(\.count).max() ?? 1
        var position = start
        var state = state
        var steps: [Step] = []
        for index in candles.indices {
            let visible = Array(candles[max(0, index + 1 - needed)...index])
            let snapshot = StrategySnapshot(symbol: symbol, timeframe: timeframe, time: candles[index].closeTime + 1,
                                            candles: [timeframe: visible], lastPrice: candles[index].close, position: position,
                                            equity: equity, availableBalance: equity, state: state, parameters: parameters)
            let output = try strategy.decide(snapshot)
            for decision in output.decisions {
                try decision.check(price: candles[index].close, position: position)
                if case .targetPosition(let target) = decision.action {
                    position = StrategyPosition(quantity: target, entryPrice: target.isZero ? 0 : candles[index].close)
                }
            }
            state = output.state
            if !output.decisions.isEmpty { steps.append(Step(index: index, output: output, position: position)) }
        }
        return steps
    }
}

extension Array where Element == Amount {
    /// `count` closes moving by `step` from `from`.
    static func ramp(from: Amount, step: Amount, count: Int) -> [Amount] {
        (0..<count).map { from + step * Amount($0) }
    }
}

func make(_ name: String, _ parameters: JSONObject = [:]) throws -> (any Strategy, StrategyParameters) {
    let descriptor = StrategyCatalog.descriptor(named: name)!
    let checked = try StrategyParameters.check(parameters, against: descriptor.parameters, strategy: name)
    return (try descriptor.make(checked), checked)
}

extension StrategyDecision {
    var target: Amount? {
        if case .targetPosition(let target) = action { target } else { nil }
    }
}
