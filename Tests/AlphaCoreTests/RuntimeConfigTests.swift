import Testing
@testable import AlphaCore

@Suite struct RuntimeConfigTests {
    @Test func defaultsRoundTrip() throws {
        let defaults = RuntimeConfig()
        #expect(try RuntimeConfig(json: defaults.json) == defaults)
        #expect(defaults.json.serialized.contains(#""max_risk_per_trade":"0.02""#))
    }

    @Test func reportsEveryBadFieldByPath() {
        var json = RuntimeConfig().json
        json["trading"] = .object(["symbol": "btc-usdt", "account_id": "main"])
        json["risk"] = .object(["max_risk_per_trade": "1.5", "daily_loss_limit": .bool(true)])
        json["engine"] = .object(["poll_interval_sec": 1])
        json["extra"] = "x"
        do {
            _ = try RuntimeConfig(json: json)
            Issue.record("expected validation errors")
        } catch {
            let fields = error.errors.map(\.field)
            #expect(Set(fields) == ["extra", "trading.symbol", "risk.max_risk_per_trade", "risk.daily_loss_limit",
                                    "engine.poll_interval_sec"])
        }
    }

    @Test("the seeds' example configuration is accepted as written: numbers read exactly from their text, the level in any case")
    func seedExample() throws {
        let json = try JSONParser.parseObject("""
            {"trading": {"symbol": "XRPUSDT", "account_id": "main"},
             "strategy": {"name": "sma_cross", "timeframe": "5m", "params": {"fast": 10, "slow": 20}},
             "risk": {"max_risk_per_trade": 0.02, "daily_loss_limit": 5e-2},
             "engine": {"poll_interval_sec": 30}, "logging": {"level": "INFO"}}
            """)
        let config = try RuntimeConfig(json: json)
        #expect(config.maxRiskPerTrade == Amount("0.02")! && config.dailyLossLimit == Amount("0.05")!)
        #expect(config.maxRiskPerTrade.description == "0.02")  // exact, not 0.0200000000000000004
        #expect(config.logLevel == "info" && config.symbol == "XRPUSDT")
        #expect(try RuntimeConfig(json: config.json) == config)  // stored as strings from then on
        var warn = json
        warn["logging"] = .object(["level": "Warn"])
        #expect(try RuntimeConfig(json: warn).logLevel == "warning")
        var bad = json
        bad["logging"] = .object(["level": "LOUD"])
        bad["risk"] = .object(["max_risk_per_trade": .number("1.5"), "daily_loss_limit": .number("1e-99")])
        #expect(throws: ConfigValidationError.self) { try RuntimeConfig(json: bad) }
    }

    @Test("one default symbol, the one the bot trades and the dashboard shows")
    func defaultSymbol() {
        #expect(RuntimeConfig().symbol == RuntimeConfig.defaultSymbol)
    }
}
