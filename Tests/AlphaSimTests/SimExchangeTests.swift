import AlphaCore
import AlphaTestSupport
import Testing
@testable import AlphaSim

@Suite("Simulator matching and accounting")
struct SimExchangeTests {
    func exchange(price: String = "50000") -> SimExchange {
        SimExchange(prices: ["BTCUSDT": Amount(price)!, "ETHUSDT": Amount("3000")!], initialBalance: Amount("10000")!)
    }

    /// The Binance error code `body` throws, or nil.
    func code(_ body: () throws -> Void) -> Int? {
        do { try body(); return nil } catch let error as BinanceError { return error.code } catch { return 0 }
    }

    @Test("a market order fills at once as taker; fee and position follow")
    func marketOrder() throws {
        var sim = exchange()
        let updates = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .market, quantity: Amount("0.010")!,
                                                    clientOrderId: "c1"), time: 1)
        #expect(updates.map(\.order.status) == [.new, .filled])
        let trade = try #require(updates.last?.trade)
        #expect(trade.price == Amount("50000")! && trade.quantity == Amount("0.01")! && !trade.maker)
        #expect(trade.commission == Amount("0.25")!)  // 500 notional × 0.05 %
        #expect(sim.ledger.position("BTCUSDT") == SimPosition(amount: Amount("0.01")!, entryPrice: Amount("50000")!))
        #expect(sim.ledger.walletBalance == Amount("9999.75")!)
        #expect(try sim.order(symbol: "BTCUSDT", orderId: nil, clientOrderId: "c1").averagePrice(scale: 2) == Amount("50000")!)
    }

    @Test("a resting limit fills as maker when the price reaches it; PnL is realized on the closing side")
    func limitAndPnl() throws {
        var sim = exchange()
        _ = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .market, quantity: Amount("0.02")!), time: 1)
        let resting = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .sell, kind: .limit, timeInForce: .gtc,
                                                    quantity: Amount("0.02")!, price: Amount("51000")!, reduceOnly: true), time: 2)
        #expect(resting.map(\.order.status) == [.new])
        #expect(sim.setPrice(Amount("50900")!, for: "BTCUSDT", time: 3).isEmpty)
        let fills = sim.setPrice(Amount("51000.5")!, for: "BTCUSDT", time: 4)
        let trade = try #require(fills.first?.trade)
        #expect(trade.maker && trade.price == Amount("51000")!)
        #expect(trade.realizedPnl == Amount("20")!)  // 0.02 × 1000
        #expect(sim.ledger.position("BTCUSDT").amount.isZero)
        // 10000 − 0.5 (taker on 1000) + 20 − 0.204 (maker on 1020)
        #expect(sim.ledger.walletBalance == Amount("10019.296")!)
    }

    @Test("Binance's refusals: filters, duplicate open client id, reduce-only, post-only, notional, margin, unknown order")
    func refusals() throws {
        var sim = exchange()
        #expect(code { _ = try sim.place(NewOrderRequest(symbol: "XYZ", side: .buy, kind: .market, quantity: 1), time: 1) } == -1121)
        #expect(code { _ = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .market, quantity: Amount("0.0105")!), time: 1) } == -1111)
        #expect(code { _ = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .limit, timeInForce: .gtc,
                                                         quantity: Amount("0.01")!, price: Amount("40000.05")!), time: 1) } == -4014)
        #expect(code { _ = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .market, quantity: Amount("0.001")!), time: 1) } == -4164)
        #expect(code { _ = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .sell, kind: .market, quantity: Amount("0.01")!, reduceOnly: true), time: 1) } == -2022)
        #expect(code { _ = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .limit, timeInForce: .gtx,
                                                         quantity: Amount("0.01")!, price: Amount("50001")!), time: 1) } == -5022)
        #expect(code { _ = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .market, quantity: Amount("10")!), time: 1) } == -2019)
        _ = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .limit, timeInForce: .gtc, quantity: Amount("0.01")!,
                                          price: Amount("40000")!, clientOrderId: "same"), time: 1)
        #expect(code { _ = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .limit, timeInForce: .gtc,
                                                         quantity: Amount("0.01")!, price: Amount("40000")!, clientOrderId: "same"), time: 2) } == -4116)
        #expect(code { _ = try sim.cancel(symbol: "BTCUSDT", orderId: 42, clientOrderId: nil, time: 3) } == -2011)
        #expect(code { _ = try sim.order(symbol: "BTCUSDT", orderId: 42, clientOrderId: nil) } == -2013)
        // Once closed, a client id may be used again; the lookup then finds the newest.
        _ = try sim.cancel(symbol: "BTCUSDT", orderId: nil, clientOrderId: "same", time: 4)
        let again = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .limit, timeInForce: .gtc,
                                                  quantity: Amount("0.01")!, price: Amount("41000")!, clientOrderId: "same"), time: 5)
        #expect(try sim.order(symbol: "BTCUSDT", orderId: nil, clientOrderId: "same").orderId == again[0].order.orderId)
    }

    @Test("IOC and FOK that do not cross expire; GTC rests")
    func timeInForce() throws {
        var sim = exchange()
        for tif in [SimOrder.TimeInForce.ioc, .fok] {
            let updates = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .limit, timeInForce: tif,
                                                        quantity: Amount("0.01")!, price: Amount("49000")!), time: 1)
            #expect(updates.last?.order.status == .expired)
        }
        #expect(sim.openOrders(symbol: "BTCUSDT").isEmpty)
    }

    @Test("property: wallet = initial + realized − fees + funding, position = signed sum of fills (500 random sequences, half with partial fills)")
    func accountingInvariant() throws {
        for seed in UInt64(1)...500 {
            var random = SeededGenerator(seed: seed)
            var sim = exchange()
            // Half the sequences with thin liquidity, so partial fills are covered too.
            if seed % 2 == 0 { sim.liquidityPerLevel = Amount("0.01")! }
            var price = Amount("50000")!
            for step in 0..<60 {
                let time = Int64(step)
                switch random.next() % 6 {
                case 0, 1:
                    let quantity = Amount(Int(random.next() % 50) + 3) * Amount("0.001")!
                    let side: OrderSide = random.next() % 2 == 0 ? .buy : .sell
                    _ = try? sim.place(NewOrderRequest(symbol: "BTCUSDT", side: side, kind: .market, quantity: quantity,
                                                       reduceOnly: random.next() % 4 == 0), time: time)
                case 2:
                    let offset = Amount(Int(random.next() % 400)) - Amount(200)
                    let quantity = Amount(Int(random.next() % 50) + 3) * Amount("0.001")!
                    _ = try? sim.place(NewOrderRequest(symbol: "BTCUSDT", side: random.next() % 2 == 0 ? .buy : .sell, kind: .limit,
                                                       timeInForce: .gtc, quantity: quantity, price: price + offset), time: time)
                case 3:
                    price += Amount(Int(random.next() % 600)) - Amount(300)
                    _ = sim.setPrice(price, for: "BTCUSDT", time: time)
                case 4:
                    sim.applyFunding(rate: Amount("0.0001")!, time: time)
                default:
                    if let open = sim.openOrders(symbol: "BTCUSDT").first {
                        _ = try sim.cancel(symbol: "BTCUSDT", orderId: open.orderId, clientOrderId: nil, time: time)
                    }
                }
            }
            let ledger = sim.ledger
            let signedFills = ledger.trades.reduce(Amount.zero) { $0 + ($1.side == .buy ? $1.quantity : -$1.quantity) }
            #expect(ledger.position("BTCUSDT").amount == signedFills, "seed \(seed)")
            let realized = ledger.trades.reduce(Amount.zero) { $0 + $1.realizedPnl }
            let fees = ledger.trades.reduce(Amount.zero) { $0 + $1.commission }
            let funding = ledger.income.filter { $0.kind == .fundingFee }.reduce(Amount.zero) { $0 + $1.amount }
            #expect(ledger.walletBalance == ledger.initialBalance + realized - fees + funding, "seed \(seed)")
            #expect(ledger.walletBalance == ledger.initialBalance + ledger.income.reduce(Amount.zero) { $0 + $1.amount }, "seed \(seed)")
            // Each order's executed quantity is the sum of its trades.
            for order in sim.orders.values {
                let traded = ledger.trades.filter { $0.orderId == order.orderId }.reduce(Amount.zero) { $0 + $1.quantity }
                #expect(order.executedQuantity == traded, "seed \(seed) order \(order.orderId)")
            }
        }
    }
}

@Suite("Simulator liquidity: partial fills")
struct LiquidityTests {
    func exchange(liquidity: String) -> SimExchange {
        var sim = SimExchange(prices: ["BTCUSDT": Amount("50000")!], initialBalance: Amount("100000")!)
        sim.liquidityPerLevel = Amount(liquidity)!
        return sim
    }

    @Test("a market order larger than one level fills in several trades at worsening prices")
    func marketSweep() throws {
        var sim = exchange(liquidity: "0.010")
        let updates = try sim.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .market, quantity: Amount("0.025")!), time: 1)
        let trades = updates.compactMap(\.trade)
        #expect(trades.map(\.quantity) == [Amount("0.01")!, Amount("0.01")!, Amount("0.005")!])
        #expect(trades.map(\.price) == [Amount("50000")!, Amount("50000.1")!, Amount("50000.2")!])
        #expect(updates.compactMap { $0.trade == nil ? nil : $0.order.status } == [.partiallyFilled, .partiallyFilled, .filled])
        #expect(updates.last?.order.averagePrice(scale: 2) == Amount("50000.08")!)
    }

    @Test("a crossing GTC limit takes what its price allows and rests the rest; IOC expires it; FOK fills nothing")
    func limitSweep() throws {
        var gtc = exchange(liquidity: "0.010")
        let rested = try gtc.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .limit, timeInForce: .gtc,
                                                   quantity: Amount("0.05")!, price: Amount("50000.1")!), time: 1)
        #expect(rested.last?.order.status == .partiallyFilled)
        #expect(rested.last?.order.executedQuantity == Amount("0.02")!)
        #expect(gtc.openOrders(symbol: "BTCUSDT").count == 1)
        // Later price updates fill one level's worth each.
        #expect(gtc.setPrice(Amount("50000")!, for: "BTCUSDT", time: 2).first?.trade?.quantity == Amount("0.01")!)

        var ioc = exchange(liquidity: "0.010")
        let expired = try ioc.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .limit, timeInForce: .ioc,
                                                    quantity: Amount("0.05")!, price: Amount("50000.1")!), time: 1)
        #expect(expired.last?.order.status == .expired)
        #expect(expired.last?.order.executedQuantity == Amount("0.02")!)

        var fok = exchange(liquidity: "0.010")
        let killed = try fok.place(NewOrderRequest(symbol: "BTCUSDT", side: .buy, kind: .limit, timeInForce: .fok,
                                                   quantity: Amount("0.05")!, price: Amount("50000.1")!), time: 1)
        #expect(killed.last?.order.status == .expired)
        #expect(killed.compactMap(\.trade).isEmpty)
    }
}
