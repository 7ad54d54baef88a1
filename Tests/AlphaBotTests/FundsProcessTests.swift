import AlphaCore
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// Money in and out through the real `alphaengine bot` process (issue 15): what the wallet's
/// history shows is recorded outside PnL; transfers and withdrawals go out once, to where the
/// server's file allows, and the simulator's ledger agrees to the last decimal.
@Suite("Funds: deposits, withdrawals and transfers, outside PnL, exactly as the ledger has them", .serialized)
struct FundsProcessTests {
    static let allowed = (address: "TAllowedAddress0000000000000001", network: "TRX")

    /// A secrets file turning withdrawals on for one destination (0600, as the loader insists).
    static func configFile(in directory: String, enabled: Bool) throws -> String {
        let path = directory + "/secrets.yaml"
        let text = """
            mode: sim
            withdrawals:
              enabled: \(enabled)
              allow:
                - { asset: USDT, address: "\(allowed.address)", network: \(allowed.network) }
            """
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]))
        return path
    }

    func movements(_ bot: BotWorld, _ type: EventType) -> [FundMovementPayload] {
        bot.stored(type).compactMap { try? FundMovementPayload(json: $0.payload) }
    }

    @Test("a deposit is recorded and is not PnL nor a loss; money taken out lowers equity, not PnL; a transfer and an allow-listed withdrawal produce their events, once, and the ledger agrees; other destinations and the strategy are refused, nothing reaches the exchange")
    func depositsTransfersWithdrawals() throws {
        let bot = try BotWorld()
        try bot.startBot(["--config", try Self.configFile(in: bot.directory, enabled: true)])
        #expect(eventually(within: 15) { bot.count(.reconciliationPerformed) >= 1 }, "\(bot.log.suffix(2000))")
        let initial = bot.sim.withExchange { $0.ledger.walletBalance }

        // Money in: 250 into futures, 500 into spot, both from outside.
        try bot.control("deposit", #"{"amount":"250"}"#)
        try bot.control("deposit", #"{"amount":"500","wallet":"spot"}"#)
        #expect(eventually(within: 10) { movements(bot, .depositDetected).count == 2 }, "\(bot.log.suffix(2000))")
        let deposits = movements(bot, .depositDetected).sorted { $0.wallet.rawValue < $1.wallet.rawValue }
        #expect(deposits.map { "\($0.wallet.rawValue) \($0.amount) \($0.origin.rawValue)" } == ["FUTURES 250 OUTSIDE", "SPOT 500 OUTSIDE"])
        var state = bot.projection()
        #expect(eventually(within: 10) { bot.projection().balances["USDT"]?.walletBalance == initial + Amount(250) })
        state = bot.projection()
        #expect(state.pnl.values.allSatisfy { $0.realizedPnl.isZero && $0.net.isZero }, "a deposit is not profit")
        #expect(state.dailyLossUsed(day: Timestamp.now().utcDay, asset: "USDT").isZero && state.status.engineState == .running)

        // Money out by hand: equity is 100 lower, and it is neither a loss nor PnL.
        try bot.control("withdraw", #"{"amount":"100"}"#)
        #expect(eventually(within: 10) { movements(bot, .withdrawCompleted).count == 1 })
        #expect(movements(bot, .withdrawCompleted).first.map { "\($0.wallet.rawValue) \($0.amount) \($0.origin.rawValue)" } == "FUTURES 100 OUTSIDE")
        #expect(eventually(within: 10) { RiskGuard.equity(bot.projection(), asset: "USDT", marks: [:]) == initial + Amount(150) })
        state = bot.projection()
        #expect(state.dailyLossUsed(day: Timestamp.now().utcDay, asset: "USDT").isZero && state.pnl.values.allSatisfy { $0.net.isZero })
        #expect(bot.count(.riskGuardRejected) == 0 && state.status.engineState == .running)

        // Ours: 300 futures → spot, then 120 out of spot to the allow-listed address.
        let transfer = try #require(bot.settled(try bot.command(.internalTransfer, ["asset": "USDT", "amount": "300", "direction": "TO_SPOT"])))
        #expect(transfer.status == .acknowledged, "\(transfer.lastError ?? "")")
        let transferID = try #require(try transfer.result?.string("tranId"))
        #expect(movements(bot, .internalTransferRequested).count == 1)
        #expect(movements(bot, .internalTransferCompleted).map(\.exchangeID) == [transferID])
        let withdraw = try #require(bot.settled(try bot.command(.withdraw, ["asset": "USDT", "amount": "120", "address": .string(Self.allowed.address),
                                                                         "network": .string(Self.allowed.network)])))
        #expect(withdraw.status == .acknowledged, "\(withdraw.lastError ?? "")")
        #expect(eventually(within: 10) { movements(bot, .withdrawCompleted).count == 2 })
        let ours = try #require(movements(bot, .withdrawCompleted).first { $0.origin == .command })
        #expect(ours.movementID == withdraw.id && ours.amount == Amount(120) && ours.address == Self.allowed.address)
        #expect(movements(bot, .withdrawRequested).map(\.movementID) == [withdraw.id])

        // Refused, each with its rule; nothing more reaches the exchange.
        let elsewhere = bot.settled(try bot.command(.withdraw, ["asset": "USDT", "amount": "10", "address": "TSomeoneElse", "network": "TRX"]))
        #expect(elsewhere?.status == .failed && elsewhere?.lastError?.contains("ADDRESS_NOT_ALLOWED") == true, "\(elsewhere?.lastError ?? "")")
        let otherNetwork = bot.settled(try bot.command(.withdraw, ["asset": "USDT", "amount": "10", "address": .string(Self.allowed.address),
                                                                   "network": "BSC"]))
        #expect(otherNetwork?.lastError?.contains("ADDRESS_NOT_ALLOWED") == true)
        let byStrategy = bot.settled(try bot.command(.withdraw, ["asset": "USDT", "amount": "10", "address": .string(Self.allowed.address),
                                                                 "network": .string(Self.allowed.network)], actor: .strategy))
        #expect(byStrategy?.lastError?.contains("USER_ONLY") == true, "\(byStrategy?.lastError ?? "")")

        // The ledger, to the last decimal: futures, spot, the one withdrawal, and nothing counted twice.
        let reconciles = bot.count(.reconciliationPerformed)
        #expect(eventually(within: 15) { bot.count(.reconciliationPerformed) >= reconciles + 2 })
        let wallet = bot.sim.spotWallet
        #expect(wallet.withdrawals.map { "\($0.amount) \($0.address) \($0.network) \($0.clientId ?? "-")" }
            == ["120 \(Self.allowed.address) TRX ae-\(withdraw.id)"])
        #expect(wallet.spotBalance == Amount(500 + 300 - 120))
        #expect(bot.sim.withExchange { $0.ledger.walletBalance } == initial + Amount(250 - 100 - 300))
        #expect(movements(bot, .depositDetected).count == 2 && movements(bot, .withdrawCompleted).count == 2, "our transfer is not someone else's")
        #expect(eventually(within: 10) { bot.moneyAgrees() }, "\(bot.moneyReport())")
        #expect(bot.stopBot() == 0)
    }

    @Test("with withdrawals off in the server's file (the default), the bot refuses a Withdraw that reached the store anyway, and nothing reaches the exchange")
    func withdrawalsOffByDefault() throws {
        let bot = try BotWorld()
        try bot.control("deposit", #"{"amount":"500","wallet":"spot"}"#)
        try bot.startBot()
        let refused = bot.settled(try bot.command(.withdraw, ["asset": "USDT", "amount": "10", "address": .string(Self.allowed.address),
                                                              "network": .string(Self.allowed.network)]))
        #expect(refused?.status == .failed && refused?.lastError?.contains("WITHDRAWALS_DISABLED") == true, "\(refused?.lastError ?? "")")
        #expect(bot.sim.spotWallet.withdrawals.isEmpty && bot.count(.withdrawRequested) == 0)
        #expect(bot.stopBot() == 0)
    }
}
