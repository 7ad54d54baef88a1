import AlphaCore

/// The strategies the bot can run, by the name the runtime config gives. Adding one is a new
/// file in Strategies/ and its descriptor in this list; nothing in the bot, web or store changes
/// (Strategies/README.md).
public enum StrategyCatalog {
    public static let all: [StrategyDescriptor] = [
        SMACross.descriptor, MATrend.descriptor, VolatilityBreakout.descriptor, Grid.descriptor, Turtle.descriptor, SimFault.descriptor,
    ]

    /// Strategies that exist to test the runner and run only against the simulator.
    public static let simulatorOnly: Set<String> = [SimFault.descriptor.name]

    public static func descriptor(named name: String) -> StrategyDescriptor? { all.first { $0.name == name } }

    /// What `strategy.name` may be: `none` (no strategy, manual trading only) or a strategy's name.
    public static var names: [String] { [RuntimeConfig.noStrategy] + all.map(\.name) }

    /// What the configuration's own checks cannot see: the strategy's name, and its parameters
    /// against that strategy's specs (each named `strategy.name` or `strategy.params.<name>`).
    public static func problems(in config: RuntimeConfig) -> [ConfigFieldError] {
        guard config.strategyName != RuntimeConfig.noStrategy else { return [] }
        var problems: [ConfigFieldError] = []
        do throws(StrategyParameterError) {
            _ = try make(name: config.strategyName, parameters: config.strategyParams)
        } catch {
            problems += error.errors
        }
        return problems
    }

    /// The strategy `name` with `parameters` checked against its specs, or every reason it can't
    /// be made, named (`strategy.name`, `strategy.params.<name>`).
    public static func make(name: String, parameters: JSONObject) throws(StrategyParameterError) -> any Strategy {
        try prepare(name: name, parameters: parameters).strategy
    }

    /// The strategy and the parameters it was made from, checked and with defaults filled in (what
    /// its snapshots carry).
    public static func prepare(name: String, parameters: JSONObject) throws(StrategyParameterError)
        -> (strategy: any Strategy, parameters: StrategyParameters) {
        guard let descriptor = descriptor(named: name) else {
            throw StrategyParameterError(errors: [ConfigFieldError(
                field: "strategy.name", message: "is not a known strategy: one of \(names.joined(separator: ", "))")])
        }
        let checked = try StrategyParameters.check(parameters, against: descriptor.parameters, strategy: name)
        return (try descriptor.make(checked), checked)
    }
}

/// Pieces the shipped strategies share.
enum Protection {
    /// The stop `fraction` below (long) or above (short) `price`.
    static func stop(from price: Amount, fraction: Amount, long: Bool) -> Amount {
        (long ? price - price * fraction : price + price * fraction).rounded(scale: 8, mode: long ? .down : .up)
    }

    static let quantity = ParameterSpec("quantity", .decimal(above: .zero, atMost: Amount(1_000_000)), default: "0.01",
                                        help: "the order quantity in the base asset (BTC for BTCUSDT)")
    static let stopFraction = ParameterSpec("stop_pct", .decimal(above: .zero, atMost: Amount("0.5")!), default: "0.02",
                                            help: "the protective stop's distance from the entry, as a fraction of the price")
}

extension StrategyOutput {
    /// No decision: too few closed candles yet.
    static func warmingUp(_ state: JSONObject, have: Int, need: Int) -> StrategyOutput {
        StrategyOutput(signals: [StrategySignal("warming_up", ["candles": .int(Int64(have)), "needed": .int(Int64(need))])], state: state)
    }
}
