import AlphaCore
import AlphaSim
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// PAUSED, SAFE and REDUCE_ONLY over the real `alphaengine bot` process against the simulator:
/// each refuses exactly what it should (a RiskGuardRejected event and a FAILED command naming
/// the rule, nothing sent), lets the rest through, and survives a SIGKILL and a clean restart.
@Suite("Engine states: enforced before any request, kept across restarts")
struct EngineStateTests {
    /// The command FAILED by the pre-trade check under `rule`, with its event, and nothing sent.
    func refused(_ world: BotWorld, _ command: Command, rule: String) -> Bool {
        guard let done = world.settled(command), done.status == .failed, done.lastError?.contains(rule) == true else { return false }
        let rejection = world.stored(.riskGuardRejected).first { $0.commandID == command.id }
        let sent = (try? command.clientOrderID.value).map { world.exchangeOrders($0) } ?? 0
        return rejection?.payload["rule"] == .string(rule) && done.result?["rule"] == .string(rule) && sent == 0
    }

    func acknowledged(_ world: BotWorld, _ command: Command) -> Bool { world.settled(command)?.status == .acknowledged }

    func engine(_ world: BotWorld, is state: EngineState, mode: EngineMode = .normal) -> Bool {
        eventually(within: 20) {
            let status = world.projection().status
            return status.engineState == state && status.engineMode == mode
        }
    }

    /// Kills the bot outright, starts it again and waits for its boot to be recorded.
    func crashAndRestart(_ world: BotWorld, _ signal: Int32 = SIGKILL) throws {
        let boots = world.count(.engineStarted)
        world.stopBot(signal)
        try world.startBot()
        #expect(eventually(within: 30) { world.count(.engineStarted) == boots + 1 })
    }

    @Test("PAUSED: no strategy command, no opening user order; closing, cancelling and reduce-only pass; kept across SIGKILL and SIGTERM")
    func paused() throws {
        let world = try BotWorld()
        try world.startBot()
        #expect(acknowledged(world, try world.order("BUY", quantity: "0.030")))
        #expect(acknowledged(world, try world.command(.pauseEngine, ["reason": "lunch"])))
        #expect(engine(world, is: .paused))
        #expect(refused(world, try world.order("BUY", actor: .strategy), rule: "ENGINE_PAUSED"))
        #expect(refused(world, try world.order("BUY"), rule: "ENGINE_PAUSED"))

        try crashAndRestart(world)
        #expect(engine(world, is: .paused))
        #expect(world.stored(.engineStarted).last?.payload["state"] == "PAUSED")
        #expect(refused(world, try world.order("SELL", actor: .strategy), rule: "ENGINE_PAUSED"))
        #expect(refused(world, try world.command(.cancelAll, ["symbol": "BTCUSDT"], actor: .strategy), rule: "ENGINE_PAUSED"))
        #expect(refused(world, try world.order("BUY"), rule: "ENGINE_PAUSED"))
        #expect(acknowledged(world, try world.order("SELL", quantity: "0.010", ["reduceOnly": true])))
        #expect(acknowledged(world, try world.command(.cancelAll, ["symbol": "BTCUSDT"])))

        try crashAndRestart(world, SIGTERM)  // a clean stop records STOPPED; the boot still resumes PAUSED
        #expect(engine(world, is: .paused))
        #expect(acknowledged(world, try world.command(.closePosition, ["symbol": "BTCUSDT"])))
        #expect(eventually(within: 10) { world.projection().positions["BTCUSDT"]?.amount.isZero == true && world.moneyAgrees() })

        #expect(acknowledged(world, try world.command(.resumeEngine)))
        #expect(engine(world, is: .running))
        #expect(acknowledged(world, try world.order("BUY", actor: .strategy)))
        #expect(world.stopBot() == 0)
    }

    @Test("SAFE: nothing from the strategy, users may only close and cancel; Resume cannot leave it, SetEngineMode moves it to PAUSED; kept across SIGKILL")
    func safe() throws {
        let world = try BotWorld()
        try world.startBot()
        #expect(acknowledged(world, try world.order("BUY", quantity: "0.020")))
        #expect(acknowledged(world, try world.command(.setEngineMode, ["mode": "safe", "reason": "drawdown"])))
        #expect(engine(world, is: .safe, mode: .safe))
        #expect(refused(world, try world.order("BUY", actor: .strategy), rule: "ENGINE_SAFE"))
        #expect(refused(world, try world.order("BUY"), rule: "ENGINE_SAFE"))
        let resume = try #require(world.settled(try world.command(.resumeEngine)))
        #expect(resume.status == .failed && resume.lastError?.contains("SAFE") == true)
        let pause = try #require(world.settled(try world.command(.pauseEngine)))
        #expect(pause.status == .failed)

        try crashAndRestart(world)
        #expect(engine(world, is: .safe, mode: .safe))
        #expect(refused(world, try world.order("SELL", actor: .strategy), rule: "ENGINE_SAFE"))
        #expect(acknowledged(world, try world.command(.closePosition, ["symbol": "BTCUSDT"])))
        #expect(eventually(within: 10) { world.projection().positions["BTCUSDT"]?.amount.isZero == true })

        #expect(acknowledged(world, try world.command(.setEngineMode, ["mode": "normal"])))
        #expect(engine(world, is: .paused))
        #expect(acknowledged(world, try world.command(.resumeEngine)))
        #expect(engine(world, is: .running))
        #expect(acknowledged(world, try world.order("BUY")))
        #expect(world.stopBot() == 0)
    }

    @Test("REDUCE_ONLY: only orders that cannot add exposure, from anyone; kept across SIGKILL")
    func reduceOnly() throws {
        let world = try BotWorld()
        try world.startBot()
        #expect(acknowledged(world, try world.order("BUY", quantity: "0.030")))
        #expect(acknowledged(world, try world.command(.setEngineMode, ["mode": "reduce_only"])))
        #expect(engine(world, is: .running, mode: .reduceOnly))
        #expect(refused(world, try world.order("BUY"), rule: "REDUCE_ONLY"))
        #expect(refused(world, try world.order("BUY", actor: .strategy), rule: "REDUCE_ONLY"))

        try crashAndRestart(world)
        #expect(engine(world, is: .running, mode: .reduceOnly))
        #expect(refused(world, try world.order("SELL", quantity: "0.010", actor: .strategy), rule: "REDUCE_ONLY"))
        #expect(acknowledged(world, try world.order("SELL", quantity: "0.010", ["reduceOnly": true], actor: .strategy)))
        #expect(acknowledged(world, try world.command(.setLeverage, ["symbol": "BTCUSDT", "leverage": 3])))
        #expect(acknowledged(world, try world.command(.closePosition, ["symbol": "BTCUSDT"])))
        #expect(eventually(within: 10) { world.projection().positions["BTCUSDT"]?.amount.isZero == true && world.moneyAgrees() })

        #expect(acknowledged(world, try world.command(.setEngineMode, ["mode": "normal"])))
        #expect(engine(world, is: .running))
        #expect(acknowledged(world, try world.order("BUY")))
        #expect(world.stopBot() == 0)
    }

    @Test("an order the exchange refuses is an OrderRejected event with its code and message, tied to the failed command")
    func exchangeRefusal() throws {
        let world = try BotWorld()
        try world.startBot()
        let tooSmall = try world.order("BUY", quantity: "0.0001")
        let done = try #require(world.settled(tooSmall))
        #expect(done.status == .failed)
        let rejected = try #require(world.stored(.orderRejected).first { $0.commandID == tooSmall.id })
        let reason = rejected.payload["reason"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? ""
        #expect(reason.contains("-4004") || reason.contains("-1111"))
        #expect(done.lastError == reason)
        #expect(world.projection().orders[try tooSmall.clientOrderID.value]?.status == .rejected)
        #expect(world.stopBot() == 0)
    }
}
