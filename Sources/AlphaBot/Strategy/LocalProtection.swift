import AlphaCore

/// A strategy's stop-loss and take-profit on a venue that holds no stop orders (Upbit spot): the
/// levels of the decision that opened the position, watched by the strategy runner against the
/// mark, which sends the exit itself when one is reached. They live in the `DecisionMade` event
/// that set them, so a restarted bot watches the same levels (and a later decision replaces them).
struct LocalProtection: Equatable {
    var symbol: String
    /// The position the decision aimed at (its sign says long or short).
    var target: Amount
    var stopLoss: Amount?
    var takeProfit: Amount?
    /// The `DecisionMade` event's dedup key: the exit's commands are keyed by it, so it is sent once.
    var decisionKey: String

    /// The levels a `DecisionMade` payload set, if it opened or kept a position with any.
    init?(decision: DecisionMadePayload, dedupKey: String) {
        guard decision.kind == "target", let target = try? decision.details.amount("target"), !target.isZero else { return nil }
        let stop = (try? decision.details.optionalAmount("stopLoss")) ?? nil, profit = (try? decision.details.optionalAmount("takeProfit")) ?? nil
        guard stop != nil || profit != nil else { return nil }
        self.init(symbol: decision.symbol, target: target, stopLoss: stop, takeProfit: profit, decisionKey: dedupKey)
    }

    init(symbol: String, target: Amount, stopLoss: Amount?, takeProfit: Amount?, decisionKey: String) {
        self.symbol = symbol
        self.target = target
        self.stopLoss = stopLoss
        self.takeProfit = takeProfit
        self.decisionKey = decisionKey
    }

    /// Why the position should be closed at `mark`, or nil while neither level is reached.
    func reached(mark: Amount) -> String? {
        let long = target > .zero
        if let stop = stopLoss, long ? mark <= stop : mark >= stop {
            return "stop-loss \(stop) reached at \(mark) (the venue holds no stop orders: the engine sends the exit)"
        }
        if let profit = takeProfit, long ? mark >= profit : mark <= profit {
            return "take-profit \(profit) reached at \(mark) (the venue holds no stop orders: the engine sends the exit)"
        }
        return nil
    }
}
