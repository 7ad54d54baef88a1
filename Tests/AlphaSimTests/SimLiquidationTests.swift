import AlphaCore
import Testing
@testable import AlphaSim

@Suite("Simulator liquidation (cross margin, one bracket), to the last decimal")
struct SimLiquidationTests {
    /// 1000 USDT, 20× leverage, long 0.3 BTC bought at 50000: wallet 992.5 after the 7.5 fee.
    func longAtTwentyTimes() throws -> SimExchange {
        var sim = SimExchange(prices: ["BTCUSDT": Amount(50000), "ETHUSDT": Amount(3000)], initialBalance: Amount(1000))
        _ = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .market, quantity: Amount("0.3")!, clientOrderId: "ours-1"), time: 1)
        return sim
    }

    @Test("the liquidation price is the last tick where the margin balance is under the maintenance margin")
    func liquidationPrice() throws {
        var sim = try longAtTwentyTimes()
        #expect(sim.ledger.walletBalance == Amount("992.5")!)
        // (0.3 × 50000 − 992.5) / (0.3 − 0.3 × 0.004) = 46879.18…, on the tick below.
        #expect(sim.liquidationPrice(for: "BTCUSDT") == Amount("46879.1")!)
        #expect(sim.liquidationPrice(for: "ETHUSDT") == nil, "flat")
        #expect(sim.setPrice(Amount("46879.2")!, for: "BTCUSDT", time: 2).isEmpty, "one tick above: 56.26 of margin against 56.25504")
        #expect(sim.marginBalance > sim.maintenanceMargin)
    }

    @Test("below it the exchange cancels the open orders and closes the position with its own LIQUIDATION order; the clearance fee takes what is left, never more")
    func liquidation() throws {
        var sim = try longAtTwentyTimes()
        _ = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .sell, kind: .limit, timeInForce: .gtc, quantity: Amount("0.3")!,
                                          price: Amount(60000), reduceOnly: true, clientOrderId: "ours-2"), time: 1)
        let updates = sim.setPrice(Amount("46879.1")!, for: "BTCUSDT", time: 3)
        #expect(updates.map { "\($0.order.clientOrderId.hasPrefix("autoclose-") ? "autoclose" : $0.order.clientOrderId) \($0.order.kind.rawValue) \($0.order.status.rawValue)" } == [
            "ours-2 LIMIT CANCELED", "autoclose LIQUIDATION NEW", "autoclose LIQUIDATION FILLED",
        ])
        let trade = try #require(updates.last?.trade)
        #expect(trade.side == .sell && trade.price == Amount("46879.1")! && trade.quantity == Amount("0.3")!)
        #expect(trade.realizedPnl == Amount("-936.27")! && trade.commission == Amount("7.031865")!)
        // 992.5 − 936.27 − 7.031865 = 49.198135 left; the clearance fee (175.796625) takes that much.
        #expect(sim.ledger.income.filter { $0.kind == .insuranceClear }.map(\.amount) == [Amount("-49.198135")!])
        #expect(sim.ledger.walletBalance == .zero && sim.ledger.position("BTCUSDT").amount.isZero && sim.openOrders(symbol: nil).isEmpty)
        #expect(sim.setPrice(Amount(40000), for: "BTCUSDT", time: 4).isEmpty, "nothing left to liquidate")
    }

    @Test("a price past the bankruptcy price leaves the wallet below zero; the insurance fund brings it back to zero")
    func insuranceCover() throws {
        var sim = try longAtTwentyTimes()
        let updates = sim.setPrice(Amount(45000), for: "BTCUSDT", time: 3)
        // PnL 0.3 × −5000 = −1500, fee 13500 × 0.0005 = 6.75: the wallet would be −514.25.
        #expect(updates.last?.trade?.price == Amount(45000))
        #expect(sim.ledger.income.filter { $0.kind == .insuranceClear }.map(\.amount) == [Amount("514.25")!])
        #expect(sim.ledger.walletBalance == .zero)
    }

    @Test("nobody can place a LIQUIDATION order (-1116)")
    func notPlaceable() throws {
        var sim = try longAtTwentyTimes()
        #expect(throws: BinanceError(code: -1116, "Invalid orderType.")) {
            try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .sell, kind: .liquidation, quantity: Amount("0.3")!), time: 2)
        }
    }
}
