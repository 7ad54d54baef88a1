import AlphaCore
import Testing

/// The risk guard alone: pure, one rule at a time, with the figures it refuses by.
@Suite("Risk guard: each rule refuses what it should with its figures, and lets the rest through")
struct RiskGuardTests {
    static let now = Timestamp(millisecondsSinceEpoch: 1_796_000_000_000)

    /// A 10 000 USDT wallet, flat, with today's losses as given.
    static func state(loss: String = "0", position: String = "0") -> ProjectionState {
        var state = ProjectionState()
        state.balances["USDT"] = BalancePayload(asset: "USDT", walletBalance: Amount("10000")!, crossWalletBalance: Amount("10000")!, time: 0)
        state.pnl[PnLKey(day: now.utcDay, asset: "USDT")] = PnLTotals(realizedPnl: -Amount(loss)!)
        state.positions["BTCUSDT"] = PositionPayload(symbol: "BTCUSDT", amount: Amount(position)!, entryPrice: Amount("50000")!, time: 0)
        return state
    }

    static let limits = RiskLimits(maxRiskPerTrade: Amount("0.02")!, dailyLossLimit: Amount("0.05")!, maxLeverage: Amount(3),
                                   maxPosition: Amount("0.5")!, maxOrdersPerMinute: 5, tradableSymbols: ["BTCUSDT"])

    static func buy(_ quantity: String, stop: String? = "49000", symbol: String = "BTCUSDT", reduceOnly: Bool = false) -> RiskOrder {
        RiskOrder(symbol: symbol, side: .buy, quantity: Amount(quantity)!, reduceOnly: reduceOnly, price: Amount("50000")!,
                  stopLoss: stop.map { Amount($0)! })
    }

    func check(_ order: RiskOrder, _ state: ProjectionState = RiskGuardTests.state(), orders: Int = 0,
               limits: RiskLimits = RiskGuardTests.limits) -> RiskRefusal? {
        RiskGuard(limits: limits).check(order, state: state, marks: [:], ordersInLastMinute: orders, now: Self.now)
    }

    @Test("Within every limit: no refusal")
    func within() { #expect(check(Self.buy("0.1")) == nil) }

    @Test("Each limit, crossed alone, names its rule, the measured figure and the limit")
    func eachRule() throws {
        #expect(check(Self.buy("0.1", symbol: "ETHUSDT"))?.rule == "SYMBOL_NOT_ALLOWED")
        let rate = try #require(check(Self.buy("0.1"), orders: 5))
        #expect(rate.rule == "ORDER_RATE" && rate.measured == Amount(5) && rate.limit == Amount(5))
        let loss = try #require(check(Self.buy("0.1"), Self.state(loss: "600")))  // 600 of the 10 600 the day began with
        #expect(loss.rule == "DAILY_LOSS_LIMIT" && loss.measured == Amount("0.056604")! && loss.limit == Amount("0.05")!)
        let size = try #require(check(Self.buy("0.6", stop: nil)))
        #expect(size.rule == "MAX_POSITION" && size.measured == Amount("0.6")!)
        var lowLeverage = Self.limits
        lowLeverage.maxLeverage = Amount(2)
        let leverage = try #require(check(Self.buy("0.5", stop: nil), limits: lowLeverage))  // 0.5 × 50 000 over 10 000
        #expect(leverage.rule == "MAX_LEVERAGE" && leverage.measured == Amount("2.5")! && leverage.limit == Amount(2))
        let risk = try #require(check(Self.buy("0.3", stop: "49000")))  // 1 000 × 0.3 over 10 000
        #expect(risk.rule == "MAX_RISK_PER_TRADE" && risk.measured == Amount("0.03")! && risk.limit == Amount("0.02")!)
    }

    @Test("Leverage counts the position after the order; an order that only reduces passes every rule but the symbol's")
    func leverageAndReducing() throws {
        var noSizeLimit = Self.limits
        noSizeLimit.maxPosition = nil
        let over = try #require(check(Self.buy("0.3", stop: nil), Self.state(position: "0.4"), limits: noSizeLimit))
        #expect(over.rule == "MAX_LEVERAGE" && over.measured == Amount("3.5")!)  // 0.7 × 50 000 over 10 000
        let sell = RiskOrder(symbol: "BTCUSDT", side: .sell, quantity: Amount("0.4")!, reduceOnly: false, price: Amount("50000")!)
        #expect(check(sell, Self.state(loss: "5000", position: "0.4"), orders: 50) == nil)
        #expect(check(Self.buy("0.1", symbol: "ETHUSDT", reduceOnly: true))?.rule == "SYMBOL_NOT_ALLOWED")
    }
}
