import Testing
import AlphaTestSupport
@testable import AlphaCore

@Suite struct ProjectionTests {
    let scope = Scope(on: .binanceUSDM, mode: .sim)

    func orderEvent(_ type: EventType, status: OrderState, filled: String, seq: Int64) -> Event {
        let payload = OrderPayload(symbol: "BTCUSDT", clientOrderID: "ae-1", orderID: "7", side: .buy, type: .limit,
                                   status: status, price: Amount("100")!, quantity: Amount("2")!,
                                   filledQuantity: Amount(filled)!, time: 1000 + seq)
        return Event(seq: seq, type: type, source: .webSocket, entityKind: .order, entityID: "ae-1", scope: scope,
                     dedupKey: DedupKey.order(symbol: "BTCUSDT", orderID: "7", status: status, filledQuantity: Amount(filled)!),
                     payload: payload.json)
    }

    @Test func staleOrderUpdatesAreIgnored() throws {
        var state = ProjectionState()
        try state.apply(orderEvent(.orderPlaced, status: .submitted, filled: "0", seq: 1))
        try state.apply(orderEvent(.orderUpdated, status: .partiallyFilled, filled: "0.5", seq: 2))
        try state.apply(orderEvent(.orderUpdated, status: .filled, filled: "2", seq: 3))
        // Arrives late (the other channel): must not move a FILLED order back.
        let changes = try state.apply(orderEvent(.orderUpdated, status: .partiallyFilled, filled: "1", seq: 4))
        #expect(changes.isEmpty)
        #expect(state.orders["ae-1"]?.status == .filled)
        #expect(state.orders["ae-1"]?.filledQuantity == 2)
        #expect(state.lastSeq == 4)
    }

    func positionEvent(amount: String, time: Int64, source: EventSource, seq: Int64) -> Event {
        let payload = PositionPayload(symbol: "BTCUSDT", amount: Amount(amount)!, entryPrice: Amount("100")!, unrealizedPnl: .zero,
                                      reason: source == .rest ? "reconcile" : "ORDER", time: time)
        return Event(seq: seq, type: .positionChanged, source: source, entityKind: .position, entityID: "BTCUSDT", scope: scope,
                     dedupKey: "\(DedupKey.position(symbol: "BTCUSDT", updateTime: time, amount: payload.amount)):\(seq)", payload: payload.json)
    }

    func balanceEvent(wallet: String, time: Int64, source: EventSource, seq: Int64) -> Event {
        let payload = BalancePayload(asset: "USDT", walletBalance: Amount(wallet)!, crossWalletBalance: Amount(wallet)!, time: time)
        return Event(seq: seq, type: .balanceChanged, source: source, entityKind: .balance, entityID: "USDT", scope: scope,
                     dedupKey: "\(DedupKey.balance(asset: "USDT", updateTime: time, walletBalance: payload.walletBalance)):\(seq)",
                     payload: payload.json)
    }

    @Test("a late or reordered stream snapshot of a position or balance never undoes a newer one, nor a REST correction")
    func lateStreamSnapshotsAreIgnored() throws {
        var state = ProjectionState()
        try state.apply(positionEvent(amount: "0.02", time: 2_000, source: .webSocket, seq: 1))
        // The stream delivered an older update after a newer one: it must not win.
        #expect(try state.apply(positionEvent(amount: "0.01", time: 1_000, source: .webSocket, seq: 2)).positions.isEmpty)
        #expect(state.positions["BTCUSDT"]?.amount == Amount("0.02")!)
        // A reconcile correction is the exchange's answer at the time of the read: it applies…
        try state.apply(positionEvent(amount: "0.03", time: 3_000, source: .rest, seq: 3))
        // …and a stale stream copy arriving after it does not undo it; a newer one does apply.
        try state.apply(positionEvent(amount: "0.02", time: 2_000, source: .webSocket, seq: 4))
        #expect(state.positions["BTCUSDT"]?.amount == Amount("0.03")!)
        try state.apply(positionEvent(amount: "0", time: 3_500, source: .webSocket, seq: 5))
        #expect(state.positions["BTCUSDT"]?.amount == .zero)
        // REST always applies, even when its time is older than the held one (the venue's REST
        // can lag; the next reconcile looks again, so a correction is never refused for ever).
        try state.apply(positionEvent(amount: "0.05", time: 100, source: .rest, seq: 6))
        #expect(state.positions["BTCUSDT"]?.amount == Amount("0.05")!)

        try state.apply(balanceEvent(wallet: "1000", time: 5_000, source: .webSocket, seq: 7))
        try state.apply(balanceEvent(wallet: "990", time: 4_000, source: .webSocket, seq: 8))
        #expect(state.balances["USDT"]?.walletBalance == Amount("1000")!)
        try state.apply(balanceEvent(wallet: "980", time: 5_000, source: .webSocket, seq: 9))
        #expect(state.balances["USDT"]?.walletBalance == Amount("980")!, "the same exchange time applies in arrival order")
    }

    @Test func filledQuantityNeverGoesBack() throws {
        var state = ProjectionState()
        try state.apply(orderEvent(.orderUpdated, status: .partiallyFilled, filled: "1.5", seq: 1))
        try state.apply(orderEvent(.orderUpdated, status: .partiallyFilled, filled: "0.5", seq: 2))
        #expect(state.orders["ae-1"]?.filledQuantity == Amount("1.5")!)
    }

    @Test func pnlFeesAndFundingAddUpPerDayAndAsset() throws {
        var state = ProjectionState()
        let day = Int64(1_795_297_521_000)
        let trade = TradePayload(symbol: "BTCUSDT", tradeID: "1", orderID: "7", clientOrderID: "ae-1", side: .sell,
                                 price: 100, quantity: 1, realizedPnl: Amount("12.5")!, maker: false, time: day)
        let fee = FeePayload(symbol: "BTCUSDT", tradeID: "1", asset: "USDT", amount: Amount("0.04")!, time: day)
        let funding = FundingPayload(symbol: "BTCUSDT", asset: "USDT", amount: Amount("-0.01")!, transactionID: "9", time: day)
        for (seq, (type, payload)) in [(EventType.tradeExecuted, trade.json), (.feeCharged, fee.json),
                                      (.fundingApplied, funding.json)].enumerated() {
            try state.apply(Event(seq: Int64(seq + 1), type: type, source: .rest, entityKind: .trade, entityID: "x",
                                  scope: scope, dedupKey: "k\(seq)", payload: payload))
        }
        let totals = state.pnl[PnLKey(day: "2026-11-21", asset: "USDT")]
        #expect(totals == PnLTotals(realizedPnl: Amount("12.5")!, fees: Amount("0.04")!, funding: Amount("-0.01")!, trades: 1))
        #expect(totals?.net == Amount("12.45")!)
    }

    @Test("spot (Upbit): a sale realizes its price less the average buy price of the coin; buys move the average, sales do not; futures trades keep the exchange's figure")
    func spotRealizedPnL() throws {
        var state = ProjectionState()
        let upbit = Scope(on: .upbitKRW, mode: .sim)
        let day = Int64(1_795_297_521_000)
        var seq: Int64 = 0
        func trade(_ side: OrderSide, _ quantity: String, at price: Int, scope: Scope) throws {
            seq += 1
            let payload = TradePayload(symbol: "KRW-BTC", tradeID: "t\(seq)", orderID: "o\(seq)", clientOrderID: "ae-\(seq)", side: side,
                                       price: Amount(price), quantity: Amount(quantity)!, realizedPnl: .zero, pnlAsset: "KRW", maker: false, time: day)
            try state.apply(Event(seq: seq, type: .tradeExecuted, source: .rest, entityKind: .trade, entityID: "t\(seq)", scope: scope,
                                  dedupKey: "t\(seq)", payload: payload.json))
        }
        let key = PnLKey(day: "2026-11-21", asset: "KRW")
        try trade(.buy, "0.01", at: 100_000_000, scope: upbit)
        try trade(.buy, "0.01", at: 110_000_000, scope: upbit)
        #expect(state.costBasis["KRW-BTC"] == CostBasis(quantity: Amount("0.02")!, averagePrice: Amount(105_000_000)))
        try trade(.sell, "0.005", at: 120_000_000, scope: upbit)  // 15 000 000 over the average on 0.005
        #expect(state.pnl[key]?.realizedPnl == Amount(75_000))
        try trade(.sell, "0.015", at: 100_000_000, scope: upbit)  // 5 000 000 under it on 0.015
        #expect(state.pnl[key]?.realizedPnl == Amount(0))
        #expect(state.costBasis["KRW-BTC"] == CostBasis())
        // Coin from before the account's fills here: its cost is the position's average buy price.
        try state.apply(Event(seq: 99, type: .positionChanged, source: .rest, entityKind: .position, entityID: "KRW-BTC", scope: upbit,
                              dedupKey: "p", payload: PositionPayload(symbol: "KRW-BTC", amount: Amount("0.01")!, entryPrice: Amount(90_000_000),
                                                                     reason: "reconcile", time: day).json))
        try trade(.sell, "0.01", at: 100_000_000, scope: upbit)
        #expect(state.pnl[key]?.realizedPnl == Amount(100_000))
        // A futures trade is the exchange's own realized PnL, untouched.
        try trade(.sell, "0.01", at: 200_000_000, scope: scope)
        #expect(state.pnl[key]?.realizedPnl == Amount(100_000) && state.pnl[key]?.trades == 6)
    }

    @Test func engineLeavesSafeOnlyThroughPaused() throws {
        var state = ProjectionState()
        func apply(_ type: EventType, _ payload: JSONObject) throws {
            try state.apply(Event(type: type, source: .bot, entityKind: .engine, entityID: "engine", scope: scope,
                                  dedupKey: Identifier.random(), payload: payload))
        }
        try apply(.engineStarted, EngineStartedPayload(bootID: "b", state: .running, mode: .normal).json)
        #expect(state.status.engineState == .running)
        try apply(.engineModeChanged, EngineModePayload(mode: .safe, reason: "daily loss limit").json)
        #expect(state.status.engineState == .safe)
        try apply(.engineResumed, EngineReasonPayload(reason: "user").json) // illegal from SAFE: ignored
        #expect(state.status.engineState == .safe)
        try apply(.engineModeChanged, EngineModePayload(mode: .normal, reason: "user").json)
        #expect(state.status.engineState == .paused)
        try apply(.engineResumed, EngineReasonPayload(reason: "user").json)
        #expect(state.status.engineState == .running)
        #expect(state.status.engineReason == "user")
    }

    @Test func badPayloadIsReportedWithTheField() {
        var state = ProjectionState()
        let event = Event(type: .tradeExecuted, source: .rest, entityKind: .trade, entityID: "x", scope: scope,
                          dedupKey: "k", payload: ["symbol": "BTCUSDT"])
        #expect(throws: PayloadError.missingField("tradeId")) { try state.apply(event) }
    }

    @Test func everyGeneratedPayloadRoundTripsThroughJSONText() throws {
        var factory = EventFactory(seed: 42)
        for _ in 0..<2000 {
            let event = factory.next()
            let reparsed = try JSONParser.parseObject(event.payload.serialized)
            #expect(reparsed == event.payload)
        }
    }

    @Test func dedupKeysCanonicaliseAmounts() {
        #expect(DedupKey.order(symbol: "BTCUSDT", orderID: "1", status: .partiallyFilled, filledQuantity: Amount("1.000")!)
                == DedupKey.order(symbol: "BTCUSDT", orderID: "1", status: .partiallyFilled, filledQuantity: Amount("1")!))
        #expect(DedupKey.trade(symbol: "BTCUSDT", tradeID: "5") != DedupKey.trade(symbol: "ETHUSDT", tradeID: "5"))
        #expect(DedupKey.fee(symbol: "BTCUSDT", tradeID: "5") != DedupKey.trade(symbol: "BTCUSDT", tradeID: "5"))
    }
}
