import AlphaCore
import AlphaSim
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// The real bot process with `exchange: upbit` against the Upbit simulator (issue 18): the same
/// event store, commands and guarantees as on Binance, with spot holdings as the position.
@Suite("Bot on Upbit (real process)", .serialized)
struct UpbitBotProcessTests {
    @Test("orders by command: a market buy by KRW, a resting limit cancelled, a market sell; the store agrees with Upbit to the won")
    func manualOrders() throws {
        let world = try UpbitBotWorld()
        try world.startBot()
        #expect(eventually(within: 20) { world.projection().balances["KRW"]?.walletBalance == Amount(10_000_000) }, "\(world.log.suffix(3000))")
        let buy = try #require(world.settled(try world.order("BUY", quantity: "0.001")))
        #expect(buy.status == .acknowledged, "\(buy.lastError ?? "")")
        let limit = try #require(world.settled(try world.order("BUY", "LIMIT", quantity: "0.002", ["price": "135000000", "timeInForce": "GTC"])))
        #expect(limit.status == .acknowledged, "\(limit.lastError ?? "")")
        let orderID = try #require(world.projection().orders.values.first { $0.status == .acknowledged && $0.type == .limit }?.clientOrderID)
        #expect(world.exchangeOrders(orderID) == 1)
        let cancel = try #require(world.settled(try world.command(.cancelOrder, ["symbol": "KRW-BTC", "clientOrderId": .string(orderID)])))
        #expect(cancel.status == .acknowledged, "\(cancel.lastError ?? "")")
        world.sim.setPrice(Amount(141_000_000), market: "KRW-BTC")
        let sell = try #require(world.settled(try world.order("SELL", quantity: "0.001")))
        #expect(sell.status == .acknowledged, "\(sell.lastError ?? "")")
        #expect(eventually(within: 15) { world.moneyAgrees() && world.storedTradeIDs() == world.ledgerTradeIDs() },
                "\(world.moneyReport()); trades \(world.storedTradeIDs()) vs \(world.ledgerTradeIDs())")
        // Bought 0.001 at 140 000 000 (140 070 with the 0.05 % fee) and sold at 141 000 000 (140 929.5 after it).
        #expect(world.sim.withExchange { $0.holding("KRW").balance } == Amount("10000859.5")!)
        #expect(world.stopBot() == 0)
    }
}
