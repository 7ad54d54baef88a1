import AlphaCore
import AlphaJSON
import AlphaSim
import Foundation

/// What a backtest found: its fills and round-trip trades, the equity at every close, the
/// decisions the risk guard or the exchange refused, and the metrics traders compare. Money is
/// exact (decimal strings); the ratios (Sharpe, Sortino, annualized return) are statistics of
/// those figures, computed in floating point and given to four places.
public struct BacktestReport: Sendable {
    public struct EquityPoint: Sendable, Equatable {
        public var time: Int64
        public var equity: Amount
        /// Whether a position was open at that close.
        public var exposed: Bool
    }

    public struct Rejection: Sendable, Equatable {
        public var time: Int64
        public var reason: String
    }

    public struct Fill: Sendable, Equatable {
        public var time: Int64
        public var side: OrderSide
        public var price: Amount
        public var quantity: Amount
        public var fee: Amount
        public var realizedPnl: Amount
        /// The exchange closed the position: the fee includes the clearance fee, and the realized
        /// PnL what the insurance fund covered of a loss beyond the wallet.
        public var liquidation = false
    }

    /// One round trip: from flat to flat (a flip closes one and opens the next).
    public struct Trade: Sendable, Equatable {
        public var long: Bool
        public var entryTime: Int64
        public var exitTime: Int64?
        public var entryPrice: Amount
        public var exitPrice: Amount?
        public var quantity: Amount
        public var pnl: Amount
        public var fees: Amount
        public var funding: Amount
        public var net: Amount { pnl - fees + funding }
    }

    public struct Metrics: Sendable, Equatable {
        public var finalEquity: Amount = .zero
        public var totalReturn: Amount = .zero
        public var annualizedReturn: Double?
        public var maxDrawdown: Amount = .zero
        public var maxDrawdownMilliseconds: Int64 = 0
        public var sharpe: Double?
        public var sortino: Double?
        public var winRate: Amount?
        public var profitFactor: Amount?
        public var exposure: Amount = .zero
        public var trades = 0
        public var feesPaid: Amount = .zero
        public var funding: Amount = .zero
    }

    public var strategy: String
    public var parameters: JSONObject
    public var settings: BacktestSettings
    public var candles: Int
    public var timeframe: Timeframe
    public var from: Int64
    public var until: Int64
    public var gaps: Int
    public var longestGap: CandleFile.Gap?
    public var equity: [EquityPoint] = []
    public var fills: [Fill] = []
    public var trades: [Trade] = []
    public var rejections: [Rejection] = []
    public var decisions = 0
    /// Positions the exchange closed because the margin fell to the maintenance margin.
    public var liquidations = 0
    /// Orders decided on the last close, which had no next open to fill at.
    public var unsentAtEnd = 0
    public var metrics = Metrics()

    init(strategy: String, parameters: JSONObject, settings: BacktestSettings, file: CandleFile) {
        self.strategy = strategy
        self.parameters = parameters
        self.settings = settings
        candles = file.candles.count
        timeframe = file.timeframe
        from = file.candles.first?.openTime ?? 0
        until = (file.candles.last?.closeTime ?? 0) + 1
        gaps = file.gaps
        longestGap = file.longestGap
    }

    static let year: Double = 365 * 24 * 3_600_000

    mutating func finish(_ exchange: SimExchange, symbol: String) {
        let ledger = exchange.ledger
        // A liquidation's clearance fee and the insurance fund's cover, by the trade they belong to.
        var clearance: [Int64: (fee: Amount, cover: Amount)] = [:]
        for line in ledger.income where line.kind == .insuranceClear {
            guard let trade = line.tradeId else { continue }
            var entry = clearance[trade] ?? (.zero, .zero)
            if line.amount.isNegative { entry.fee -= line.amount } else { entry.cover += line.amount }
            clearance[trade] = entry
        }
        fills = ledger.trades.filter { $0.symbol == symbol }.map {
            let extra = clearance[$0.id] ?? (.zero, .zero)
            return Fill(time: $0.time, side: $0.side, price: $0.price, quantity: $0.quantity, fee: $0.commission + extra.fee,
                        realizedPnl: $0.realizedPnl + extra.cover, liquidation: exchange.orders[$0.orderId]?.kind == .liquidation)
        }
        liquidations = fills.filter(\.liquidation).count
        let funding = ledger.income.filter { $0.kind == .fundingFee && $0.symbol == symbol }
        trades = Self.roundTrips(fills, funding: funding)
        metrics = Self.metrics(equity, trades: trades, initial: settings.initialBalance, from: from, until: until)
        metrics.feesPaid = fills.reduce(.zero) { $0 + $1.fee }
        metrics.funding = funding.reduce(.zero) { $0 + $1.amount }
    }

    /// Fills folded into round trips: a trip opens when the position leaves zero and closes when it
    /// comes back (a fill through zero closes one and opens the next with the rest).
    static func roundTrips(_ fills: [Fill], funding: [SimIncome]) -> [Trade] {
        var trades: [Trade] = []
        var open: Trade?
        var position = Amount.zero
        var entryNotional = Amount.zero, entryQuantity = Amount.zero, exitNotional = Amount.zero, exitQuantity = Amount.zero
        for fill in fills {
            let signed = fill.side == .buy ? fill.quantity : -fill.quantity
            var remaining = signed
            if open != nil, !position.isZero, (position > .zero) != (signed > .zero) {
                let closing = min(fill.quantity, position.magnitude)
                let share = closing.divided(by: fill.quantity, scale: 12)
                exitNotional += fill.price * closing
                exitQuantity += closing
                open!.pnl += fill.realizedPnl
                open!.fees += fill.fee * share
                position += position > .zero ? -closing : closing
                remaining = signed > .zero ? signed - closing : signed + closing
                if position.isZero {
                    open!.exitTime = fill.time
                    open!.exitPrice = exitNotional.divided(by: exitQuantity, scale: 8)
                    open!.entryPrice = entryNotional.divided(by: entryQuantity, scale: 8)
                    open!.funding = funding.filter { $0.time >= open!.entryTime && $0.time <= fill.time }.reduce(.zero) { $0 + $1.amount }
                    trades.append(open!)
                    open = nil
                    (entryNotional, entryQuantity, exitNotional, exitQuantity) = (.zero, .zero, .zero, .zero)
                }
                if remaining.isZero { continue }
                // What goes through zero opens the next trip, with its share of the fee.
                let rest = remaining.magnitude.divided(by: fill.quantity, scale: 12)
                open = Trade(long: remaining > .zero, entryTime: fill.time, entryPrice: fill.price, quantity: .zero, pnl: .zero,
                             fees: fill.fee * rest, funding: .zero)
            } else if open == nil {
                open = Trade(long: signed > .zero, entryTime: fill.time, entryPrice: fill.price, quantity: .zero, pnl: .zero, fees: fill.fee, funding: .zero)
            } else {
                open!.fees += fill.fee
                open!.pnl += fill.realizedPnl
            }
            entryNotional += fill.price * remaining.magnitude
            entryQuantity += remaining.magnitude
            position += remaining
            open!.quantity = max(open!.quantity, position.magnitude)
            open!.entryPrice = entryNotional.divided(by: entryQuantity, scale: 8)
        }
        if var last = open {
            last.funding = funding.filter { $0.time >= last.entryTime }.reduce(.zero) { $0 + $1.amount }
            trades.append(last)
        }
        return trades
    }

    static func metrics(_ equity: [EquityPoint], trades: [Trade], initial: Amount, from: Int64, until: Int64) -> Metrics {
        var metrics = Metrics()
        metrics.finalEquity = equity.last?.equity ?? initial
        metrics.totalReturn = (metrics.finalEquity - initial).divided(by: initial, scale: 8, mode: .plain)
        let span = Double(until - from)
        let total = metrics.totalReturn.doubleValue
        if span > 0, total > -1 { metrics.annualizedReturn = pow(1 + total, year / span) - 1 }
        // Drawdown: the deepest fall from a peak, and how long that fall lasted until a new high (or the end).
        var peak = initial, peakTime = from
        var deepest = Amount.zero, deepestPeakTime = from, deepestEnd = from
        var recovered = true
        for point in equity {
            if point.equity >= peak {
                if !recovered, deepestPeakTime == peakTime { deepestEnd = point.time }
                peak = point.equity
                peakTime = point.time
                recovered = true
                continue
            }
            recovered = false
            // Only a fall that may be deeper is divided exactly: one a billionth short of the deepest
            // in floating point (good to about 1e-15 here) cannot be, so it is passed over.
            guard (peak - point.equity).doubleValue / peak.doubleValue > deepest.doubleValue - 1e-9 else { continue }
            let fall = (peak - point.equity).divided(by: peak, scale: 8, mode: .plain)
            if fall > deepest {
                deepest = fall
                deepestPeakTime = peakTime
                deepestEnd = until
            }
        }
        metrics.maxDrawdown = deepest
        metrics.maxDrawdownMilliseconds = deepest.isZero ? 0 : deepestEnd - deepestPeakTime
        // Per-candle returns, annualized by the candles in a year.
        var returns: [Double] = []
        returns.reserveCapacity(equity.count)
        var previous = initial.doubleValue
        for point in equity {
            let value = point.equity.doubleValue
            if previous != 0 { returns.append(value / previous - 1) }
            previous = value
        }
        if returns.count > 1, equity.count > 1 {
            let periodsPerYear = year / (span / Double(equity.count))
            let mean = returns.reduce(0, +) / Double(returns.count)
            // Both sums in one pass, each added in the returns' order.
            var squares = 0.0, downsideSquares = 0.0
            for value in returns {
                squares += (value - mean) * (value - mean)
                downsideSquares += min(value, 0) * min(value, 0)
            }
            let deviation = (squares / Double(returns.count - 1)).squareRoot()
            let downside = (downsideSquares / Double(returns.count)).squareRoot()
            if deviation > 0 { metrics.sharpe = mean / deviation * periodsPerYear.squareRoot() }
            if downside > 0 { metrics.sortino = mean / downside * periodsPerYear.squareRoot() }
        }
        let closed = trades.filter { $0.exitTime != nil }
        metrics.trades = closed.count
        if !closed.isEmpty {
            metrics.winRate = Amount(closed.filter { $0.net > .zero }.count).divided(by: Amount(closed.count), scale: 4, mode: .plain)
        }
        let won = closed.filter { $0.net > .zero }.reduce(Amount.zero) { $0 + $1.net }
        let lost = closed.filter { $0.net.isNegative }.reduce(Amount.zero) { $0 - $1.net }
        if lost > .zero { metrics.profitFactor = won.divided(by: lost, scale: 4, mode: .plain) }
        if !equity.isEmpty {
            metrics.exposure = Amount(equity.reduce(0) { $0 + ($1.exposed ? 1 : 0) }).divided(by: Amount(equity.count), scale: 4, mode: .plain)
        }
        return metrics
    }
}

extension BacktestReport {
    static func time(_ milliseconds: Int64) -> JSONValue { .string(Timestamp(millisecondsSinceEpoch: milliseconds).iso8601) }
    static func ratio(_ value: Double?) -> JSONValue { value.map { .string(String(format: "%.4f", $0)) } ?? .null }

    /// The report written out as `json` holds it, the equity curve (a point per candle) streamed
    /// rather than built as a tree first: the same document, in a fraction of the time.
    public func write(into writer: inout JSONWriter) {
        writer.beginObject()
        for (key, value) in json(equity: false).members {
            writer.key(escaping: key)
            writer.value(value)
        }
        writer.key("equity")
        writer.beginArray()
        // A point a candle: the time and the amount are written as text into one scratch buffer, not made Strings.
        // A point a candle: each is written whole into one scratch buffer — the time and the amount
        // as text, no Strings — and appended in one piece.
        let open = Array(#"{"time":""#.utf8), middle = Array(#"","equity":""#.utf8), close = Array(#""}"#.utf8)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 160) { scratch in
            for point in equity {
                let time = Timestamp(millisecondsSinceEpoch: point.time)
                var length = 0
                func put(_ bytes: [UInt8]) {
                    for byte in bytes { scratch[length] = byte; length += 1 }
                }
                put(open)
                let timeLength = time.writeISO8601(into: UnsafeMutableBufferPointer(rebasing: scratch[length...]))
                length += timeLength
                put(middle)
                let amountLength = point.equity.writeCanonical(into: UnsafeMutableBufferPointer(rebasing: scratch[length...]))
                guard timeLength > 0, let amountLength else {
                    // A year past 9999 or an amount held as a Decimal: the slower way, same text.
                    writer.value(.object(["time": .string(time.iso8601), "equity": .string(point.equity.description)]))
                    continue
                }
                length += amountLength
                put(close)
                writer.value(serialized: UnsafeBufferPointer(rebasing: scratch[..<length]))
            }
        }
        writer.endArray()
        writer.endObject()
    }

    /// The report as JSON text: what `backtest --json` writes and `/api/backtests/{id}` hands out.
    public var document: [UInt8] {
        var writer = JSONWriter(capacity: 64 * 1024)
        write(into: &writer)
        return writer.bytes
    }

    /// The report as one JSON object, for tools: money as decimal strings, times in ISO-8601 UTC.
    public var json: JSONObject { json(equity: true) }

    func json(equity withEquity: Bool) -> JSONObject {
        var gap: JSONValue = .null
        if let longestGap {
            gap = .object(["after": Self.time(longestGap.after), "resumes": Self.time(longestGap.resumes),
                           "missingCandles": .int(longestGap.missingCandles)])
        }
        let semantics: JSONObject = [
            "decisions": "on each candle's close",
            "marketOrders": "fill at the next candle's open, slippageBasisPoints against them",
            "stopsLimitsTargets": "fill at their own price when the candle's range reaches them (at the open when it gaps through)",
            "stopAndTargetInOneCandle": "the stop: the adverse extreme is visited first (low first when long or flat, high first when short)",
            "funding": "for each 00:00, 08:00 and 16:00 UTC: fundingRate × the position's notional at the close of the candle holding that time",
            "liquidation": "as the simulator: when wallet + unrealized PnL falls to the maintenance margin (notional × 0.004), open orders are cancelled and the position closes at that price (the open, when it gaps past), with the taker fee and a clearance fee of notional × 0.0125 taken from what is left; a wallet left below zero is brought to zero by the insurance fund",
        ]
        let settings: JSONObject = [
            "symbol": .string(self.settings.symbol), "timeframe": .string(timeframe.name), "initialBalance": .amount(self.settings.initialBalance),
            "slippageBasisPoints": .amount(self.settings.slippageBasisPoints), "makerFee": .amount(self.settings.makerFee),
            "takerFee": .amount(self.settings.takerFee), "fundingRate": .amount(self.settings.fundingRate), "leverage": .int(Int64(self.settings.leverage)),
            "semantics": .object(semantics),
        ]
        let metrics: JSONObject = [
            "finalEquity": .amount(self.metrics.finalEquity), "totalReturn": .amount(self.metrics.totalReturn),
            "annualizedReturn": Self.ratio(self.metrics.annualizedReturn), "maxDrawdown": .amount(self.metrics.maxDrawdown),
            "maxDrawdownDurationMs": .int(self.metrics.maxDrawdownMilliseconds), "sharpe": Self.ratio(self.metrics.sharpe),
            "sortino": Self.ratio(self.metrics.sortino), "winRate": self.metrics.winRate.map { .amount($0) } ?? .null,
            "profitFactor": self.metrics.profitFactor.map { .amount($0) } ?? .null, "exposure": .amount(self.metrics.exposure),
            "trades": .int(Int64(self.metrics.trades)), "feesPaid": .amount(self.metrics.feesPaid), "funding": .amount(self.metrics.funding),
        ]
        var document: JSONObject = [
            "strategy": .string(strategy), "parameters": .object(parameters), "settings": .object(settings),
            "data": .object(["candles": .int(Int64(candles)), "from": Self.time(from), "until": Self.time(until), "gaps": .int(Int64(gaps)),
                             "longestGap": gap]),
            "metrics": .object(metrics),
            "trades": .array(trades.map { trade in
                .object(["side": .string(trade.long ? "LONG" : "SHORT"), "entryTime": Self.time(trade.entryTime),
                         "exitTime": trade.exitTime.map(Self.time) ?? .null, "entryPrice": .amount(trade.entryPrice),
                         "exitPrice": trade.exitPrice.map { .amount($0) } ?? .null, "quantity": .amount(trade.quantity),
                         "pnl": .amount(trade.pnl), "fees": .amount(trade.fees), "funding": .amount(trade.funding), "net": .amount(trade.net)])
            }),
            "fills": .array(fills.map { fill in
                .object(["time": Self.time(fill.time), "side": .string(fill.side.rawValue), "price": .amount(fill.price),
                         "quantity": .amount(fill.quantity), "fee": .amount(fill.fee), "realizedPnl": .amount(fill.realizedPnl),
                         "liquidation": .bool(fill.liquidation)])
            }),
            "rejections": .array(rejections.map { .object(["time": Self.time($0.time), "reason": .string($0.reason)]) }),
            "decisions": .int(Int64(decisions)), "unsentAtEnd": .int(Int64(unsentAtEnd)), "liquidations": .int(Int64(liquidations)),
        ]
        if withEquity { document["equity"] = .array(equity.map { .object(["time": Self.time($0.time), "equity": .amount($0.equity)]) }) }
        return document
    }

    /// A few lines for a person at a terminal.
    public var summary: String {
        let m = metrics
        var lines = ["\(strategy) on \(settings.symbol) \(timeframe.name): \(candles) candles, \(Self.time(from).stringValue) → \(Self.time(until).stringValue)"]
        if let longestGap {
            lines.append("gaps: \(gaps) (longest \(longestGap.missingCandles) candles missing after \(Self.time(longestGap.after).stringValue))")
        }
        lines.append("trades \(m.trades), win rate \(m.winRate?.description ?? "–"), profit factor \(m.profitFactor?.description ?? "–")")
        lines.append("equity \(settings.initialBalance) → \(m.finalEquity) (return \(m.totalReturn), annualized \(Self.ratio(m.annualizedReturn).stringValue))")
        lines.append("max drawdown \(m.maxDrawdown) over \(m.maxDrawdownMilliseconds / 60_000) min; Sharpe \(Self.ratio(m.sharpe).stringValue), "
            + "Sortino \(Self.ratio(m.sortino).stringValue); exposure \(m.exposure); fees \(m.feesPaid), funding \(m.funding)")
        if liquidations > 0 { lines.append("LIQUIDATED \(liquidations) time(s): see the fills marked liquidation in the JSON") }
        if !rejections.isEmpty { lines.append("refused: \(rejections.count) (see rejections in the JSON)") }
        return lines.joined(separator: "\n")
    }
}

extension JSONValue {
    var stringValue: String {
        switch self {
        case .string(let text): text
        case .null: "–"
        default: "\(self)"
        }
    }
}
