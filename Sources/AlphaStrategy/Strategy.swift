import AlphaCore

/// A trading strategy (DESIGN rule 2: strategies never call the exchange). It is a pure,
/// deterministic function: the same snapshot gives the same output, so a replayed candle gives
/// the same decision and a backtest gives what the live bot would have done. It sees only what
/// the snapshot holds and says what it wants as decisions; the bot's runner turns them into
/// commands, and the risk guard may still refuse them.
public protocol Strategy: Sendable {
    /// Its name in the runtime config (`strategy.name`), its parameters and a sentence for people.
    static var descriptor: StrategyDescriptor { get }

    /// Builds the strategy from parameters already checked against the descriptor's specs.
    /// Throws for what the specs alone cannot say (a fast period that is not below the slow one).
    init(parameters: StrategyParameters) throws(StrategyParameterError)

    /// The closed candles it needs, per timeframe, given the timeframe it is run on.
    func requirements(primary: Timeframe) -> [CandleRequirement]

    /// What to do now that a candle of the primary timeframe has closed.
    func decide(_ snapshot: StrategySnapshot) throws -> StrategyOutput
}

/// How many closed candles of one timeframe a strategy needs to decide.
public struct CandleRequirement: Sendable, Equatable {
    public var timeframe: Timeframe
    public var count: Int

    public init(timeframe: Timeframe, count: Int) {
        self.timeframe = timeframe
        self.count = count
    }
}

/// What the catalog and the config validation know of a strategy without running it.
public struct StrategyDescriptor: Sendable {
    public var name: String
    public var summary: String
    public var parameters: [ParameterSpec]
    /// Makes the strategy from the user's parameters (specs checked first, defaults filled in).
    public let make: @Sendable (StrategyParameters) throws(StrategyParameterError) -> any Strategy

    public init(name: String, summary: String, parameters: [ParameterSpec],
                make: @escaping @Sendable (StrategyParameters) throws(StrategyParameterError) -> any Strategy) {
        self.name = name
        self.summary = summary
        self.parameters = parameters
        self.make = make
    }

    /// Builds a `Strategy` type's descriptor from the type alone.
    public static func of<S: Strategy>(_ type: S.Type, name: String, summary: String, parameters: [ParameterSpec]) -> StrategyDescriptor {
        StrategyDescriptor(name: name, summary: summary, parameters: parameters) { parameters throws(StrategyParameterError) in
            try S(parameters: parameters)
        }
    }
}
