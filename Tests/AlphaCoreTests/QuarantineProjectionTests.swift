import Testing
import AlphaTestSupport
@testable import AlphaCore

/// The reducer's part in issue 15: our holding is the sum of our own fills (never anyone
/// else's), a quarantine lives from QuarantineStarted to its decision, and the pre-trade check
/// keeps the strategy — only the strategy — off a quarantined symbol.
@Suite struct QuarantineProjectionTests {
    let scope = Scope(on: .binanceUSDM, mode: .sim)

    func order(_ id: String, _ side: OrderSide, status: OrderState, filled: String, seq: Int64) -> Event {
        let payload = OrderPayload(symbol: "BTCUSDT", clientOrderID: id, orderID: id, side: side, type: .market, status: status, price: .zero,
                                   quantity: Amount("1")!, filledQuantity: Amount(filled)!, time: seq)
        return Event(seq: seq, type: status == .submitted ? .orderPlaced : .orderUpdated, source: .webSocket, entityKind: .order, entityID: id,
                     scope: scope, dedupKey: "o:\(seq)", payload: payload.json)
    }

    func started(_ id: String, seq: Int64) -> Event {
        let payload = QuarantineStartedPayload(quarantineID: id, symbol: "BTCUSDT", cause: .outsideOrder, reason: "by hand",
                                               clientOrderID: "web_1", exchangeAmount: Amount("0.5")!, ownedAmount: .zero, time: seq)
        return Event(seq: seq, type: .quarantineStarted, source: .bot, entityKind: .quarantine, entityID: "BTCUSDT", scope: scope,
                     dedupKey: "q:\(seq)", payload: payload.json)
    }

    func completed(_ id: String, _ action: QuarantineAction, owned: String?, seq: Int64) -> Event {
        let payload = QuarantineCompletedPayload(quarantineID: id, symbol: "BTCUSDT", action: action, by: "user:ana", detail: "-",
                                                 ownedAfter: owned.flatMap { Amount($0) }, time: seq)
        return Event(seq: seq, type: .quarantineCompleted, source: .bot, entityKind: .quarantine, entityID: "BTCUSDT", scope: scope,
                     dedupKey: "c:\(seq)", payload: payload.json)
    }

    @Test("holdings add our fills as they grow, once each, and never someone else's")
    func holdingsAreOurFills() throws {
        var state = ProjectionState()
        try state.apply(order("ae-1", .buy, status: .submitted, filled: "0", seq: 1))
        try state.apply(order("ae-1", .buy, status: .partiallyFilled, filled: "0.4", seq: 2))
        try state.apply(order("ae-1", .buy, status: .filled, filled: "1", seq: 3))
        try state.apply(order("ae-1", .buy, status: .partiallyFilled, filled: "0.4", seq: 4))  // late copy: ignored
        try state.apply(order("ae-2", .sell, status: .filled, filled: "0.25", seq: 5))         // first seen already filled
        try state.apply(order("web_1", .buy, status: .filled, filled: "0.5", seq: 6))           // by hand
        #expect(state.ownedAmount("BTCUSDT") == Amount("0.75")!)
        #expect(state.outsideOpenOrders("BTCUSDT").isEmpty)
        try state.apply(order("web_2", .sell, status: .acknowledged, filled: "0", seq: 7))
        #expect(state.outsideOpenOrders("BTCUSDT").map(\.clientOrderID) == ["web_2"])
    }

    @Test("a quarantine: one per symbol; IGNORE keeps it (the strategy stays off), ADOPT ends it and sets our holding; a decision for another id changes nothing")
    func lifecycle() throws {
        var state = ProjectionState()
        try state.apply(started("q1", seq: 1))
        try state.apply(started("q2", seq: 2))  // already quarantined: joins the first
        #expect(state.quarantines["BTCUSDT"]?.id == "q1" && state.isQuarantined("BTCUSDT"))
        try state.apply(completed("q2", .adopt, owned: "9", seq: 3))  // not this quarantine
        #expect(state.quarantines["BTCUSDT"]?.status == .active && state.ownedAmount("BTCUSDT").isZero)
        try state.apply(completed("q1", .ignore, owned: nil, seq: 4))
        #expect(state.quarantines["BTCUSDT"]?.status == .ignored && state.quarantines["BTCUSDT"]?.ignoredBy == "user:ana")
        try state.apply(completed("q1", .adopt, owned: "0.5", seq: 5))
        #expect(state.quarantines["BTCUSDT"] == nil && state.ownedAmount("BTCUSDT") == Amount("0.5")!)
    }

    @Test("the pre-trade check refuses the strategy on a quarantined symbol, with the reason; users and other symbols pass")
    func preTradeRule() throws {
        var state = ProjectionState()
        state.status.engineState = .running
        try state.apply(started("q1", seq: 1))
        let order = OrderRequest(symbol: "BTCUSDT", side: .buy, type: .market, quantity: Amount("1")!)
        func check(_ kind: Actor.Kind, _ symbol: String) -> PreTradeRefusal? {
            PreTradeCheck().check(PreTradeRequest(commandType: .placeOrder, actor: Actor(kind: kind, id: "t"), intent: .place(order),
                                                  symbol: symbol, state: state))
        }
        let refusal = try #require(check(.strategy, "BTCUSDT"))
        #expect(refusal.rule == "QUARANTINE" && refusal.reason.contains("by hand"))
        #expect(check(.user, "BTCUSDT") == nil && check(.strategy, "ETHUSDT") == nil)
        try state.apply(completed("q1", .ignore, owned: nil, seq: 2))
        #expect(check(.strategy, "BTCUSDT")?.reason.contains("ignored") == true)
    }
}
