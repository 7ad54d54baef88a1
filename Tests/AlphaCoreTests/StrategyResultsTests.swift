import AlphaCore
import Testing

/// Per-strategy results folded from fills, fees and funding.
@Suite("Strategy results: each fill to whoever sent it, funding and the open position to whoever opened it")
struct StrategyResultsTests {
    static let scope = Scope(on: .binanceUSDM, mode: .sim)

    static func trade(_ id: String, _ side: OrderSide, _ quantity: String, _ price: String, pnl: String = "0", client: String) -> Event {
        Event(type: .tradeExecuted, source: .rest, entityKind: .trade, entityID: id, scope: scope, dedupKey: "t\(id)",
              payload: TradePayload(symbol: "BTCUSDT", tradeID: id, orderID: id, clientOrderID: client, side: side, price: Amount(price)!,
                                    quantity: Amount(quantity)!, realizedPnl: Amount(pnl)!, maker: false, time: 0).json)
    }

    static func fee(_ id: String, _ amount: String) -> Event {
        Event(type: .feeCharged, source: .rest, entityKind: .fee, entityID: id, scope: scope, dedupKey: "f\(id)",
              payload: FeePayload(symbol: "BTCUSDT", tradeID: id, asset: "USDT", amount: Amount(amount)!, time: 0).json)
    }

    static func funding(_ amount: String) -> Event {
        Event(type: .fundingApplied, source: .rest, entityKind: .funding, entityID: amount, scope: scope, dedupKey: "u\(amount)",
              payload: FundingPayload(symbol: "BTCUSDT", asset: "USDT", amount: Amount(amount)!, transactionID: amount, time: 0).json)
    }

    @Test("A winning and a losing round trip of a strategy, a manual fill, funding while open, the open position at the mark")
    func fold() {
        var results = StrategyResults()
        let owners = ["s1": "sma_cross", "s2": "sma_cross", "s3": "sma_cross", "s4": "sma_cross", "m1": StrategyResults.manual]
        let events = [
            Self.trade("1", .buy, "0.01", "50000", client: "s1"), Self.fee("1", "0.2"), Self.funding("-0.5"),
            Self.trade("2", .sell, "0.01", "50100", pnl: "1", client: "s2"), Self.fee("2", "0.2"),  // 1 - 0.4 - 0.5 = +0.1: a win
            Self.trade("3", .buy, "0.01", "50000", client: "s3"), Self.fee("3", "0.2"),
            Self.trade("4", .sell, "0.01", "50010", pnl: "0.1", client: "s4"), Self.fee("4", "0.2"),  // 0.1 - 0.4: a loss
            Self.trade("5", .buy, "0.02", "50000", client: "m1"), Self.fee("5", "0.4"), Self.funding("-1"),
        ]
        for event in events { results.apply(event, owner: { owners[$0 ?? ""] ?? StrategyResults.outside }) }
        let position = PositionPayload(symbol: "BTCUSDT", amount: Amount("0.02")!, entryPrice: Amount("50000")!, time: 0)
        let totals = results.marked(positions: ["BTCUSDT": position], marks: ["BTCUSDT": Amount("50050")!])
        let strategy = totals["sma_cross"]!, manual = totals["manual"]!
        #expect(strategy.realizedPnl == Amount("1.1")! && strategy.fees == Amount("0.8")! && strategy.funding == Amount("-0.5")!)
        #expect(strategy.trades == 4 && strategy.roundTrips == 2 && strategy.wins == 1 && strategy.winRate == Amount("0.5")!)
        #expect(strategy.unrealizedPnl.isZero)
        #expect(manual.trades == 1 && manual.funding == Amount(-1) && manual.unrealizedPnl == Amount(1) && manual.winRate == nil)
        #expect(manual.net == Amount("-0.4")!)  // 0 - 0.4 - 1 + 1
    }
}
