import AlphaCore
import AlphaStrategy
import Testing

@Suite("Strategy parameters: checked against each strategy's specs, every mistake named")
struct StrategyParameterTests {
    @Test("Defaults fill what is not given; numbers and decimal strings are read exactly")
    func defaults() throws {
        let descriptor = StrategyCatalog.descriptor(named: "sma_cross")!
        let checked = try StrategyParameters.check(["fast": 5, "stop_pct": .number("0.015")], against: descriptor.parameters, strategy: "sma_cross")
        #expect(checked.integer("fast") == 5)
        #expect(checked.integer("slow") == 20)
        #expect(checked.decimal("stop_pct") == Amount("0.015")!)
        #expect(checked.decimal("quantity") == Amount("0.01")!)
        #expect(checked.string("direction") == "long")
    }

    @Test("A misspelled name and a value out of range are both reported, each by its path")
    func mistakesNamed() {
        #expect {
            _ = try StrategyCatalog.make(name: "sma_cross", parameters: ["fats": 5, "slow": 5000, "direction": "sideways"])
        } throws: { error in
            guard let error = error as? StrategyParameterError else { return false }
            let fields = error.errors.map(\.field)
            return fields == ["strategy.params.fats", "strategy.params.slow", "strategy.params.direction"]
                && error.errors[0].message.contains("fast, slow")
                && error.errors[1].message == "must be a whole number from 3 to 1000"
        }
    }

    @Test("What the specs cannot say is refused by the strategy, named: fast must be below slow, lower below upper, exit below entry")
    func crossFieldRules() {
        for (name, parameters, field) in [("sma_cross", ["fast": 30, "slow": 20] as JSONObject, "strategy.params.fast"),
                                          ("ma_trend", ["fast": 200, "slow": 50], "strategy.params.fast"),
                                          ("grid", ["lower": "60000", "upper": "50000"], "strategy.params.lower"),
                                          ("turtle", ["entry": 10, "exit": 20], "strategy.params.exit")] {
            #expect(throws: StrategyParameterError.self) { _ = try StrategyCatalog.make(name: name, parameters: parameters) }
            do { _ = try StrategyCatalog.make(name: name, parameters: parameters) } catch {
                #expect(error.errors.map(\.field) == [field], "\(name)")
            }
        }
    }

    @Test("An unknown strategy is refused under strategy.name, listing the known ones; a bad time zone under its parameter")
    func unknownNames() {
        do {
            _ = try StrategyCatalog.make(name: "sma_crosss", parameters: [:])
            Issue.record("accepted an unknown strategy")
        } catch {
            #expect(error.errors.map(\.field) == ["strategy.name"])
            #expect(error.description.contains("sma_cross, ma_trend, volatility_breakout, grid, turtle"))
        }
        do {
            _ = try StrategyCatalog.make(name: "volatility_breakout", parameters: ["zone": "Mars/Olympus"])
            Issue.record("accepted a bad zone")
        } catch {
            #expect(error.errors.map(\.field) == ["strategy.params.zone"])
        }
    }

    @Test("Every shipped strategy is made from its defaults alone")
    func everyDefaultWorks() throws {
        #expect(StrategyCatalog.all.map(\.name) == ["sma_cross", "ma_trend", "volatility_breakout", "grid", "turtle", "sim_fault"])
        for descriptor in StrategyCatalog.all { _ = try StrategyCatalog.make(name: descriptor.name, parameters: [:]) }
    }
}
