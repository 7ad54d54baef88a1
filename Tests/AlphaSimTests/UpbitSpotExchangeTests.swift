import AlphaCore
import Testing
@testable import AlphaSim

/// The Upbit simulator's spot accounting (issue 18), to the won and satoshi: what a bid holds and
/// pays, a resting limit filled as maker at its own price, a marketable one at the price, and
/// each of Upbit's refusals by its own name.
@Suite("Upbit simulator: KRW spot matching and accounting")
struct UpbitSpotExchangeTests {
    static func exchange() -> UpbitSpotExchange { UpbitSpotExchange(prices: ["KRW-BTC": Amount(140_000_000)], krw: Amount(1_000_000)) }
    static func limit(_ side: UpbitOrder.Side, _ price: Int, _ volume: String, id: String? = nil, tif: String? = nil) -> UpbitSpotExchange.NewOrder {
        .init(market: "KRW-BTC", side: side, kind: .limit, price: Amount(price), volume: Amount(volume)!, identifier: id, timeInForce: tif)
    }

    @Test("a resting limit bid holds total and fee, fills at its own price when the price comes down, and the ask back at a profit")
    func restingRoundTrip() throws {
        var exchange = Self.exchange()
        let bid = try exchange.place(Self.limit(.bid, 139_000_000, "0.005", id: "b1"), time: 1)
        // 0.005 × 139 000 000 = 695 000, fee 347.5: 695 347.5 held.
        #expect(bid.state == .wait && bid.locked == Amount("695347.5")!)
        #expect(exchange.holding("KRW") == UpbitHolding(balance: Amount("304652.5")!, locked: Amount("695347.5")!))
        exchange.setPrice(Amount(139_500_000), market: "KRW-BTC", time: 2)
        #expect(try exchange.order(uuid: nil, identifier: "b1").state == .wait, "not reached yet")
        exchange.setPrice(Amount(138_000_000), market: "KRW-BTC", time: 3)
        let filled = try exchange.order(uuid: bid.uuid, identifier: nil)
        #expect(filled.state == .done && filled.trades.map(\.price) == [Amount(139_000_000)] && filled.paidFee == Amount("347.5")!)
        #expect(exchange.holding("KRW") == UpbitHolding(balance: Amount("304652.5")!, locked: .zero))
        #expect(exchange.holding("BTC") == UpbitHolding(balance: Amount("0.005")!, locked: .zero, averageBuyPrice: Amount(139_000_000)))
        // Sold at 141 000 000: 705 000 less 352.5.
        let ask = try exchange.place(Self.limit(.ask, 141_000_000, "0.005"), time: 4)
        #expect(exchange.holding("BTC") == UpbitHolding(balance: .zero, locked: Amount("0.005")!, averageBuyPrice: Amount(139_000_000)))
        exchange.setPrice(Amount(141_000_000), market: "KRW-BTC", time: 5)
        #expect(try exchange.order(uuid: ask.uuid, identifier: nil).state == .done)
        #expect(exchange.holding("KRW").balance == Amount("304652.5")! + Amount(705_000) - Amount("352.5")!)
        #expect(exchange.holding("BTC").balance.isZero && exchange.holding("BTC").locked.isZero)
    }

    @Test("a marketable limit fills at once at the price, the rest of what it held given back; ioc that cannot fill is cancelled whole")
    func marketableAndIOC() throws {
        var exchange = Self.exchange()
        let bid = try exchange.place(Self.limit(.bid, 141_000_000, "0.001"), time: 1)
        // At 140 000 000: 140 000 + 70 paid of the 141 070.5 held.
        #expect(bid.state == .done && bid.executedFunds == Amount(140_000) && bid.paidFee == Amount(70) && bid.locked.isZero)
        #expect(exchange.holding("KRW") == UpbitHolding(balance: Amount(1_000_000 - 140_070), locked: .zero))
        let ioc = try exchange.place(Self.limit(.bid, 139_000_000, "0.001", tif: "ioc"), time: 2)
        #expect(ioc.state == .cancel && ioc.executedVolume.isZero && exchange.holding("KRW").locked.isZero)
    }

    @Test("cancel gives back what the order held and answers with the order as it was; a closed order cannot be cancelled")
    func cancel() throws {
        var exchange = Self.exchange()
        let bid = try exchange.place(Self.limit(.bid, 130_000_000, "0.001", id: "c1"), time: 1)
        let answer = try exchange.cancel(uuid: nil, identifier: "c1")
        #expect(answer.state == .wait && answer.uuid == bid.uuid)
        #expect(exchange.holding("KRW") == UpbitHolding(balance: Amount(1_000_000), locked: .zero))
        #expect(throws: UpbitAPIError.orderNotFound) { try exchange.cancel(uuid: bid.uuid, identifier: nil) }
        #expect(throws: UpbitAPIError.orderNotFound) { try exchange.order(uuid: "no-such-order", identifier: nil) }
    }

    @Test("refused with Upbit's names: off the price unit, under 5 000 KRW, not enough KRW or BTC, a reused identifier, a market order the wrong way, an unknown market")
    func refusals() throws {
        var exchange = Self.exchange()
        func name(_ order: UpbitSpotExchange.NewOrder) -> String {
            do {
                _ = try exchange.place(order, time: 1)
                return "placed"
            } catch {
                return "\(error.status) \(error.name)"
            }
        }
        #expect(name(Self.limit(.bid, 139_000_500, "0.001")) == "400 invalid_price_bid")
        #expect(name(Self.limit(.bid, 139_000_000, "0.000000001")) == "400 invalid_volume_bid")
        #expect(name(Self.limit(.bid, 139_000_000, "0.00003")) == "400 under_min_total_bid")
        #expect(name(Self.limit(.bid, 139_000_000, "0.01")) == "400 insufficient_funds_bid")
        #expect(name(Self.limit(.ask, 141_000_000, "0.001")) == "400 insufficient_funds_ask")
        #expect(name(Self.limit(.bid, 130_000_000, "0.001", id: "once")) == "placed")
        #expect(name(Self.limit(.bid, 130_000_000, "0.001", id: "once")) == "400 duplicated_identifier")
        _ = try exchange.cancel(uuid: nil, identifier: "once")
        #expect(name(Self.limit(.bid, 130_000_000, "0.001", id: "once")) == "400 duplicated_identifier", "never again, even once closed")
        #expect(name(.init(market: "KRW-BTC", side: .ask, kind: .price, price: Amount(10_000))) == "400 create_ask_error")
        #expect(name(.init(market: "KRW-BTC", side: .bid, kind: .price, price: Amount(10_000), volume: Amount(1))) == "400 create_bid_error")
        #expect(name(.init(market: "KRW-DOGE", side: .bid, kind: .price, price: Amount(10_000))) == "400 notfoundmarket")
        #expect(name(Self.limit(.bid, 139_000_000, "0.001", tif: "gtc")) == "400 invalid_time_in_force")
        #expect(exchange.holding("KRW") == UpbitHolding(balance: Amount(1_000_000), locked: .zero), "nothing refused holds anything")
    }
}
