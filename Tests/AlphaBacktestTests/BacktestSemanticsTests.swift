import AlphaCore
import AlphaStrategy
import Testing
@testable import AlphaBacktest

/// A strategy that decides what the test wrote for each candle (by open time), so each rule of
/// the backtest can be held to a hand-computed figure.
struct Scripted: Strategy {
    static let descriptor = StrategyDescriptor.of(Scripted.self, name: "scripted", summary: "decides as the test says", parameters: [])
    var plan: [Int64: StrategyDecision] = [:]

    init(parameters: StrategyParameters) {}
    init(plan: [Int64: StrategyDecision]) { self.plan = plan }

    func requirements(primary: Timeframe) -> [CandleRequirement] { [CandleRequirement(timeframe: primary, count: 1)] }

    func decide(_ snapshot: StrategySnapshot) throws -> StrategyOutput {
        StrategyOutput(decisions: snapshot.primaryCandles.last.flatMap { plan[$0.openTime] }.map { [$0] } ?? [])
    }
}

@Suite("Backtest semantics on hand-made candles, to the last decimal")
struct BacktestSemanticsTests {
    static let start: Int64 = 1_767_225_600_000  // 2026-01-01T00:00:00Z
    static let minute: Int64 = 60_000

    static func candles(_ rows: [(String, String, String, String)], from start: Int64 = start) -> CandleFile {
        let candles = rows.enumerated().map { index, row in
            Candle(openTime: start + Int64(index) * minute, closeTime: start + Int64(index + 1) * minute - 1,
                   open: Amount(row.0)!, high: Amount(row.1)!, low: Amount(row.2)!, close: Amount(row.3)!, volume: Amount(1))
        }
        return CandleFile(candles: candles, timeframe: .oneMinute, gaps: 0, longestGap: nil)
    }

    static func run(_ file: CandleFile, _ plan: [Int: StrategyDecision], _ edit: (inout BacktestSettings) -> Void = { _ in }) throws -> BacktestReport {
        var settings = BacktestSettings()
        edit(&settings)
        let byTime = Dictionary(uniqueKeysWithValues: plan.map { (file.candles[$0.key].openTime, $0.value) })
        let parameters = try StrategyParameters.check([:], against: [], strategy: "scripted")
        return try BacktestEngine(strategy: Scripted(plan: byTime), name: "scripted", parameters: parameters, settings: settings).run(file)
    }

    @Test("a market order decided on a close fills at the next open plus slippage; a candle reaching both stop and target takes the stop, at its price; fees exact")
    func nextOpenThenStopBeforeTarget() throws {
        let file = Self.candles([
            ("50000", "50100", "49900", "50000"),  // decide: long 0.01, stop 49000, target 52000
            ("50100", "50200", "50000", "50100"),  // filled at 50100 + 10 bp = 50150.1; nothing reached
            ("50000", "52500", "48500", "50000"),  // both reached: the stop, at 49000
            ("50000", "50000", "50000", "50000"),
        ])
        let report = try Self.run(file, [0: StrategyDecision(.targetPosition(Amount("0.01")!), stopLoss: Amount(49000), takeProfit: Amount(52000),
                                                             reason: "test")]) { $0.slippageBasisPoints = Amount(10) }
        #expect(report.fills.map { "\($0.side.rawValue) \($0.quantity) @\($0.price) fee \($0.fee)" } == [
            "BUY 0.01 @50150.1 fee 0.2507505",   // 501.501 × 0.0005, taker
            "SELL 0.01 @49000 fee 0.245",        // the stop, a market order when triggered: taker
        ])
        let trade = try #require(report.trades.first)
        #expect(report.trades.count == 1 && trade.long && trade.entryTime == Self.start + Self.minute && trade.exitTime == Self.start + 2 * Self.minute)
        #expect(trade.entryPrice == Amount("50150.1")! && trade.exitPrice == Amount(49000) && trade.pnl == Amount("-11.501")!)
        #expect(trade.fees == Amount("0.4957505")! && trade.net == Amount("-11.9967505")!)
        #expect(report.metrics.finalEquity == Amount("9988.0032495")! && report.metrics.feesPaid == Amount("0.4957505")!)
        #expect(report.metrics.trades == 1 && report.metrics.winRate == Amount(0))
    }

    @Test("a stop the open gaps through fills at the open; a short takes its stop above first")
    func gapThroughAndShort() throws {
        let file = Self.candles([
            ("50000", "50000", "50000", "50000"),  // decide: short 0.01, stop 51000, target 48000
            ("50000", "50100", "49900", "50000"),  // filled at 50000
            ("51500", "51600", "47000", "48000"),  // opens above the stop: bought back at 51500, not at 51000
        ])
        let report = try Self.run(file, [0: StrategyDecision(.targetPosition(Amount("-0.01")!), stopLoss: Amount(51000), takeProfit: Amount(48000),
                                                             reason: "test")])
        #expect(report.fills.map { "\($0.side.rawValue) @\($0.price)" } == ["SELL @50000", "BUY @51500"])
        #expect(report.trades.first?.pnl == Amount(-15) && report.trades.first?.long == false)
    }

    @Test("funding at 08:00 UTC on the position at that candle's close: longs pay rate × notional, to the last decimal; outside the trade, none")
    func funding() throws {
        let eight: Int64 = Self.start + 8 * 3_600_000
        let file = Self.candles([
            ("50000", "50000", "50000", "50000"),  // 07:58 decide long 0.01
            ("50000", "50000", "50000", "50000"),  // 07:59 filled at 50000
            ("50000", "50500", "49900", "50200"),  // 08:00 funding: 0.01 × 50200 × 0.0001 = 0.0502 paid
            ("50200", "50200", "50200", "50200"),
        ], from: eight - 2 * Self.minute)
        let report = try Self.run(file, [0: StrategyDecision(.targetPosition(Amount("0.01")!), stopLoss: Amount(40000), reason: "test")]) {
            $0.fundingRate = Amount("0.0001")!
            $0.makerFee = .zero
            $0.takerFee = .zero
        }
        #expect(report.metrics.funding == Amount("-0.0502")!, "\(report.metrics.funding)")
        #expect(report.trades.first?.funding == Amount("-0.0502")! && report.trades.first?.exitTime == nil, "the trade is still open")
        // Equity at the last close: wallet after funding, plus the open position at 50200.
        #expect(report.equity.last?.equity == Amount(10_000) - Amount("0.0502")! + Amount("0.01")! * Amount(200))
    }

    /// 1000 USDT at 20× leverage, with the guard's leverage and risk limits opened up so a position
    /// large enough to be liquidated is allowed.
    static func leveraged(_ settings: inout BacktestSettings) {
        settings.initialBalance = Amount(1000)
        settings.risk.maxLeverage = Amount(20)
        settings.risk.maxRiskPerTrade = Amount(10)
    }

    @Test("liquidation: the walk stops at the liquidation price, the stop is cancelled, the position closes there with the taker fee and the clearance fee out of what is left")
    func liquidationOfALong() throws {
        let file = Self.candles([
            ("50000", "50000", "50000", "50000"),  // decide: long 0.3, stop 30000 (far below the liquidation price)
            ("50000", "50000", "50000", "50000"),  // bought at 50000: fee 15000 × 0.0005 = 7.5, wallet 992.5
            ("50000", "50100", "45000", "46000"),  // the low passes 46879.1: liquidated there
            ("46000", "46000", "46000", "46000"),
        ])
        let report = try Self.run(file, [0: StrategyDecision(.targetPosition(Amount("0.3")!), stopLoss: Amount(30000), reason: "test")],
                                  Self.leveraged)
        // (0.3 × 50000 − 992.5) / (0.3 − 0.3 × 0.004) = 46879.18…, on the tick below. There the margin,
        // 992.5 − 0.3 × 3120.9 = 56.23, is under the maintenance 0.3 × 46879.1 × 0.004 = 56.25492;
        // one tick up (56.26 against 56.25504) it is not.
        // Sold at 46879.1: PnL −936.27, taker fee 14063.73 × 0.0005 = 7.031865, wallet 49.198135; the
        // clearance fee (14063.73 × 0.0125 = 175.796625) takes all of it.
        #expect(report.fills.map { "\($0.side.rawValue) \($0.quantity) @\($0.price) fee \($0.fee) pnl \($0.realizedPnl) \($0.liquidation)" } == [
            "BUY 0.3 @50000 fee 7.5 pnl 0 false",
            "SELL 0.3 @46879.1 fee 56.23 pnl -936.27 true",
        ])
        #expect(report.liquidations == 1 && report.metrics.finalEquity == .zero, "\(report.metrics.finalEquity)")
        let trade = try #require(report.trades.first)
        #expect(trade.exitPrice == Amount("46879.1")! && trade.fees == Amount("63.73")! && trade.net == Amount(-1000))
        #expect(report.summary.contains("LIQUIDATED 1"))
    }

    @Test("funding that leaves the margin under the maintenance liquidates at the next open, though no price reaches the old liquidation price")
    func liquidationAfterFunding() throws {
        let eight: Int64 = Self.start + 8 * 3_600_000
        let file = Self.candles([
            ("50000", "50000", "50000", "50000"),  // 07:58 decide: long 0.3, stop 30000
            ("50000", "50000", "50000", "50000"),  // 07:59 bought at 50000: fee 7.5, wallet 992.5; liquidation price 46879.1
            ("50000", "50000", "47000", "47000"),  // 08:00 the low stays above it; at the close, funding 0.3 × 47000 × 0.01 = 141: wallet 851.5
            ("47000", "47000", "47000", "47000"),  // 08:01 margin 851.5 − 900 is under the maintenance: liquidated at the open
            ("47000", "47000", "47000", "47000"),
        ], from: eight - 2 * Self.minute)
        let report = try Self.run(file, [0: StrategyDecision(.targetPosition(Amount("0.3")!), stopLoss: Amount(30000), reason: "test")]) {
            Self.leveraged(&$0)
            $0.fundingRate = Amount("0.01")!
        }
        // Sold at 47000: PnL −900, taker fee 14100 × 0.0005 = 7.05, wallet −55.55: no clearance fee is
        // left to take, and the insurance fund's 55.55 shows in the fill's PnL.
        #expect(report.fills.map { "\($0.side.rawValue) @\($0.price) fee \($0.fee) pnl \($0.realizedPnl) \($0.liquidation)" } == [
            "BUY @50000 fee 7.5 pnl 0 false",
            "SELL @47000 fee 7.05 pnl -844.45 true",
        ])
        #expect(report.fills.last?.time == eight + Self.minute)
        #expect(report.metrics.finalEquity == .zero && report.metrics.funding == Amount(-141))
    }

    @Test("liquidation past the bankruptcy price: a short the open gaps far above is closed at the open, and the insurance fund brings the wallet back to zero, not below")
    func liquidationThroughAGap() throws {
        let file = Self.candles([
            ("50000", "50000", "50000", "50000"),  // decide: short 0.3, stop 70000
            ("50000", "50000", "50000", "50000"),  // sold at 50000: wallet 992.5; liquidation price 53096.6
            ("60000", "60500", "59000", "59500"),  // opens at 60000: liquidated there, not at 53096.6
        ])
        let report = try Self.run(file, [0: StrategyDecision(.targetPosition(Amount("-0.3")!), stopLoss: Amount(70000), reason: "test")],
                                  Self.leveraged)
        // Bought back at 60000: PnL −3000, fee 9, wallet −2016.5; no clearance fee is left to take,
        // and the fund's 2016.5 shows in the fill's PnL: −3000 + 2016.5.
        #expect(report.fills.map { "\($0.side.rawValue) @\($0.price) fee \($0.fee) pnl \($0.realizedPnl) \($0.liquidation)" } == [
            "SELL @50000 fee 7.5 pnl 0 false",
            "BUY @60000 fee 9 pnl -983.5 true",
        ])
        #expect(report.metrics.finalEquity == .zero && report.trades.first?.net == Amount(-1000))
    }

    @Test("the risk guard holds a backtest's decisions as it holds live ones: an entry over the leverage limit is refused and recorded")
    func riskGuard() throws {
        let file = Self.candles([("50000", "50000", "50000", "50000"), ("50000", "50000", "50000", "50000")])
        let report = try Self.run(file, [0: StrategyDecision(.targetPosition(Amount(2)), stopLoss: Amount(49000), reason: "too big")])
        #expect(report.fills.isEmpty && report.rejections.count == 1 && report.rejections[0].reason.contains("MAX_LEVERAGE"), "\(report.rejections)")
    }
}

@Suite("Backtest windows: longer timeframes merged from the primary candles, only closed ones")
struct BacktestWindowTests {
    @Test("hourly candles from minutes: open of the first minute, high and low over the hour, close of the last; the hour in progress left out")
    func mergedHours() {
        let start = BacktestSemanticsTests.start
        var minutes: [Candle] = []
        for index in 0..<170 {
            let open: Int64 = start + Int64(index) * 60_000
            let price = Amount(100 + index)
            minutes.append(Candle(openTime: open, closeTime: open + 59_999, open: price, high: price + Amount(1), low: price - Amount(1), close: price,
                                  volume: Amount(1)))
        }
        let window = BacktestEngine.window(minutes[...], [CandleRequirement(timeframe: .oneMinute, count: 3), CandleRequirement(timeframe: Timeframe("1h")!, count: 2)],
                                           primary: .oneMinute, at: minutes[169].closeTime + 1)
        #expect(window[.oneMinute]?.map(\.close) == [Amount(267), Amount(268), Amount(269)])
        let hours = window[Timeframe("1h")!] ?? []
        #expect(hours.map(\.openTime) == [start, start + 3_600_000], "the third hour (02:00–02:50) is still open")
        #expect(hours.last.map { [$0.open, $0.high, $0.low, $0.close] } == [Amount(160), Amount(220), Amount(159), Amount(219)])
    }
}
