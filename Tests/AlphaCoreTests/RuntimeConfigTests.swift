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
        json["risk"] = .object(["max_risk_per_trade": "1.5", "daily_loss_limit": .number("0.05")])
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
}
