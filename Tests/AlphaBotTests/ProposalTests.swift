import AlphaCore
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// `alphaengine tune --propose` through the real bot (issue 16): a proposal is checked and recorded,
/// never applied — the runtime configuration stays as it was until an admin's UpdateConfig.
@Suite("Tuning proposals: recorded by the bot, applied by no one")
struct ProposalTests {
    @Test("the bot records a runnable proposal as ParametersProposed, refuses one that cannot run, and changes no configuration")
    func recordedNotApplied() throws {
        let bot = try BotWorld()
        try bot.startBot()
        let before = try ConfigStore(database: bot.database).runtime()
        let parameters: JSONObject = ["fast": 10, "slow": 30, "quantity": "0.01", "stop_pct": "0.01"]
        let good = bot.settled(try bot.command(.proposeParameters, ["strategy": "sma_cross", "parameters": .object(parameters),
                                                                      "evidence": .object(["walkForwardOutOfSample": "0.0123"])], actor: .system))
        #expect(good?.status == .acknowledged, "\(good?.lastError ?? "")")
        let recorded = try #require(bot.stored(.parametersProposed).first)
        #expect(recorded.payload["parameters"] == .object(parameters) && recorded.payload["strategy"] == "sma_cross" && recorded.commandID == good?.id)
        let bad = bot.settled(try bot.command(.proposeParameters, ["strategy": "sma_cross", "parameters": .object(["fast": 30, "slow": 10])], actor: .system))
        #expect(bad?.status == .failed && bad?.lastError?.contains("fast") == true, "\(bad?.lastError ?? "")")
        let after = try ConfigStore(database: bot.database).runtime()
        #expect(after.version == before.version && after.value == before.value && bot.count(.configChanged) == 0)
        #expect(bot.stopBot() == 0)
    }
}
