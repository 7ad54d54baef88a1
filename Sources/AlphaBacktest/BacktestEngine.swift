import AlphaBot
import AlphaCore
import AlphaSim
import AlphaStrategy

/// What a backtest assumes (issue 16), each stated so a result can be read for what it is.
public struct BacktestSettings: Sendable {
    public var symbol = "BTCUSDT"
    /// The contract's filters; nil: the simulator's own for BTCUSDT and ETHUSDT.
    public var contract: SimSymbol?
    public var initialBalance = Amount(10_000)
    /// Market orders fill at the next candle's open, this many basis points worse.
    public var slippageBasisPoints = Amount.zero
    public var makerFee = Amount("0.0002")!
    public var takerFee = Amount("0.0005")!
    /// Funding (positive: longs pay) for each 00:00, 08:00 and 16:00 UTC, on the position at the close of
    /// the candle that holds that time, at that close.
    public var fundingRate = Amount.zero
    public var leverage = 20
    /// The risk guard's limits, as the live runner holds every decision against them.
    public var risk: RiskLimits

    public init(symbol: String = "BTCUSDT") {
        self.symbol = symbol
        var config = RuntimeConfig()
        config.symbol = symbol
        risk = RiskLimits(config)
    }
}

/// Runs a strategy over candles in process, at full speed, on the simulator's own matching, fee
/// and funding accounting (`SimExchange`) and the live runner's own planning (`DecisionPlanner`),
/// so a backtest and a live run turn the same decision into the same orders and the same fills.
///
/// The semantics, in order, for each candle:
/// 1. The price moves to the open: resting orders it gaps through fill there.
/// 2. The orders decided on the previous close are sent, in the planner's order (cancels, the
///    market order at the open ± slippage, then its stop and take-profit).
/// 3. The price walks the candle's range, the adverse extreme first (low first when long or flat,
///    high first when short), stopping at each resting order's trigger on the way: a stop or a
///    limit fills at its own price. So a candle that reaches both the stop and the target takes the
///    stop: the pessimistic rule. It stops at the liquidation price too, where the simulator
///    liquidates the account (`SimExchange+Liquidation`) when its margin balance has fallen to the
///    maintenance margin; an open that gaps past it liquidates at the open.
/// 4. The price moves to the close; funding due within the candle (00:00, 08:00, 16:00 UTC) is paid
///    on the position at the close, at the close; the equity is recorded.
/// 5. The strategy decides on the closed candle, as live.
public struct BacktestEngine {
    public let settings: BacktestSettings
    public let strategyName: String
    public let parameters: StrategyParameters
    private let strategy: any Strategy

    public struct Failure: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    public init(strategy name: String, parameters: JSONObject, settings: BacktestSettings) throws(Failure) {
        do throws(StrategyParameterError) {
            (strategy, self.parameters) = try StrategyCatalog.prepare(name: name, parameters: parameters)
        } catch {
            throw Failure(message: "strategy \(name): \(error)")
        }
        strategyName = name
        self.settings = settings
    }

    /// A strategy already built (tests script their own).
    public init(strategy: any Strategy, name: String, parameters: StrategyParameters, settings: BacktestSettings) {
        self.strategy = strategy
        strategyName = name
        self.parameters = parameters
        self.settings = settings
    }

    static let fundingPeriod: Int64 = 8 * 3_600_000

    public func run(_ file: CandleFile, progress: (Int, Int) -> Void = { _, _ in }) throws(Failure) -> BacktestReport {
        let candles = file.candles
        guard let spec = settings.contract ?? [SimSymbol.btcusdt, .ethusdt].first(where: { $0.name == settings.symbol }) else {
            throw Failure(message: "symbol \(settings.symbol): the backtest knows BTCUSDT and ETHUSDT (the simulator's symbols) and those whose filters the bot stored")
        }
        guard !candles.isEmpty else { throw Failure(message: "no candles to backtest") }
        let symbol = spec.name
        let timeframe = file.timeframe
        var exchange = SimExchange(symbols: [spec], prices: [symbol: candles[0].open], initialBalance: settings.initialBalance)
        exchange.setFeeRates(maker: settings.makerFee, taker: settings.takerFee)
        do throws(BinanceError) { try exchange.setLeverage(settings.leverage, for: symbol) } catch {
            throw Failure(message: "leverage \(settings.leverage): \(error)")
        }
        let rules = SymbolRules(symbol: symbol, tickSize: spec.tickSize, stepSize: spec.stepSize, minQuantity: spec.minQuantity,
                                maxQuantity: spec.maxQuantity, minNotional: spec.minNotional)
        let requirements = strategy.requirements(primary: timeframe)
        let actor = Actor(kind: .strategy, id: "backtest:\(strategyName)")
        let scope = Scope(on: .binanceUSDM, mode: .sim)
        var report = BacktestReport(strategy: strategyName, parameters: parameters.values, settings: settings, file: file)
        report.equity.reserveCapacity(candles.count)
        var pending: [Command] = []
        var state: JSONObject = [:]
        var nextOrder = 1

        // Reused from candle to candle: the snapshot holding it is gone by the next one, so it is updated in place.
        var window: [Timeframe: ArraySlice<Candle>] = [:]
        var liquidation = LiquidationLevel()
        // The position, read again whenever the exchange may have changed it (only off the quiet path).
        var position = exchange.ledger.position(symbol)

        for (index, candle) in candles.enumerated() {
            progress(index, candles.count)
            if pending.isEmpty && !Self.reachesAnything(candle, exchange, symbol: symbol, position: position, liquidation: &liquidation) {
                // A quiet candle (most are): nothing to send, nothing rests within its range and the
                // liquidation price is outside it, so no price in it fills, triggers or liquidates.
                exchange.movePriceUnmatched(candle.close, for: symbol)
            } else {
                _ = exchange.setPrice(candle.open, for: symbol, time: candle.openTime)
                for command in pending {
                    if let problem = send(command, to: &exchange, symbol: symbol, price: candle.open, time: candle.openTime, id: &nextOrder) {
                        report.rejections.append(.init(time: candle.openTime, reason: problem))
                    }
                }
                pending = []
                position = exchange.ledger.position(symbol)
                if Self.reachesAnything(candle, exchange, symbol: symbol, position: position, liquidation: &liquidation) {
                    walk(candle, on: &exchange, symbol: symbol, short: position.amount.isNegative)
                }
                _ = exchange.setPrice(candle.close, for: symbol, time: candle.closeTime)
                position = exchange.ledger.position(symbol)
            }
            var due = (candle.openTime / Self.fundingPeriod + 1) * Self.fundingPeriod
            if candle.openTime % Self.fundingPeriod == 0 { due = candle.openTime }
            while due <= candle.closeTime {
                if !settings.fundingRate.isZero { exchange.applyFunding(rate: settings.fundingRate, time: due) }
                due += Self.fundingPeriod
            }
            let equity = exchange.ledger.walletBalance + position.unrealizedPnl(mark: candle.close)
            report.equity.append(.init(time: candle.closeTime + 1, equity: equity, exposed: !position.amount.isZero))

            // The strategy decides on the close, from what a live snapshot would hold.
            Self.window(&window, candles[...index], requirements, primary: timeframe, at: candle.closeTime + 1)
            let snapshot = StrategySnapshot(symbol: symbol, timeframe: timeframe, time: candle.closeTime + 1, candles: window,
                                            lastPrice: candle.close, markPrice: candle.close,
                                            position: StrategyPosition(quantity: position.amount, entryPrice: position.entryPrice),
                                            equity: equity, availableBalance: exchange.availableBalance,
                                            openOrders: exchange.openOrderCount == 0 ? [] : exchange.openOrders(symbol: symbol).map(Self.openOrder),
                                            state: state, parameters: parameters)
            let output: StrategyOutput
            do {
                output = try strategy.decide(snapshot)
                for decision in output.decisions { try decision.check(price: candle.close, position: snapshot.position) }
            } catch {
                throw Failure(message: "the strategy failed on the candle of \(Timestamp(millisecondsSinceEpoch: candle.openTime).iso8601): \(error)")
            }
            state = output.state
            // Most candles decide nothing: the planner and the projections it reads are built only for a decision.
            guard !output.decisions.isEmpty else { continue }
            let projection = Self.projection(exchange, symbol: symbol)
            let planner = DecisionPlanner(rules: rules, actor: actor, scope: scope, now: Timestamp(millisecondsSinceEpoch: candle.closeTime + 1),
                                          guardian: RiskGuard(limits: settings.risk), state: projection, marks: [symbol: candle.close],
                                          ordersInLastMinute: 0, protective: Self.protective(exchange, symbol: symbol))
            for (number, decision) in output.decisions.enumerated() {
                report.decisions += 1
                let plan = planner.plan(decision, index: number, snapshot: snapshot, candleKey: "backtest:\(candle.openTime)")
                if let refusal = plan.refusal { report.rejections.append(.init(time: candle.closeTime + 1, reason: "risk guard: \(refusal)")) }
                pending += plan.commands
            }
        }
        progress(candles.count, candles.count)
        report.unsentAtEnd = pending.count
        report.finish(exchange, symbol: symbol)
        return report
    }

    /// Carries out one planned command on the exchange; returns why it was refused, if it was.
    private func send(_ command: Command, to exchange: inout SimExchange, symbol: String, price: Amount, time: Int64, id: inout Int) -> String? {
        guard let request = try? CommandRequest(type: command.type, payload: command.payload) else { return "unreadable \(command.type.rawValue)" }
        switch request {
        case .cancelOrder(_, let clientOrderID):
            _ = try? exchange.cancel(symbol: symbol, orderId: nil, clientOrderId: clientOrderID, time: time)
            return nil
        case .placeOrder(let order):
            guard let kind = SimOrder.Kind(rawValue: order.type.rawValue), let quantity = order.quantity else { return "unsupported \(order.type.rawValue)" }
            var new = NewOrderRequest(symbol: symbol, side: order.side, kind: kind, timeInForce: kind == .limit ? .gtc : nil, quantity: quantity,
                                      price: order.price, reduceOnly: order.reduceOnly, clientOrderId: "bt-\(id)")
            new.stopPrice = order.stopPrice
            new.isAlgo = kind.isConditional
            id += 1
            // A market order fills at the open, the slippage against it.
            let slipped = kind == .market ? Self.slipped(price, side: order.side, basisPoints: settings.slippageBasisPoints) : price
            if slipped != price { _ = exchange.setPrice(slipped, for: symbol, time: time) }
            defer { if slipped != price { _ = exchange.setPrice(price, for: symbol, time: time) } }
            do throws(BinanceError) {
                _ = try exchange.place(new, time: time)
                return nil
            } catch {
                return "\(order.side.rawValue) \(order.type.rawValue) \(quantity) refused: \(error)"
            }
        default:
            return "\(command.type.rawValue) is not a strategy order"
        }
    }

    static func slipped(_ price: Amount, side: OrderSide, basisPoints: Amount) -> Amount {
        let factor = basisPoints.divided(by: Amount(10_000), scale: 8)
        return side == .buy ? price + price * factor : price - price * factor
    }

    /// Low then high (high then low when short), pausing at each resting order's trigger and at the
    /// liquidation price on the way: for a candle that `reachesAnything`.
    private func walk(_ candle: Candle, on exchange: inout SimExchange, symbol: String, short: Bool) {
        for extreme in short ? [candle.high, candle.low] : [candle.low, candle.high] {
            let from = exchange.prices[symbol] ?? candle.open
            let up = extreme > from
            // The liquidation price is a level too: the account is liquidated there, not at the extreme.
            let triggers = (exchange.openOrders(symbol: symbol).map { $0.kind.isConditional ? $0.stopPrice : $0.price }
                + [exchange.liquidationPrice(for: symbol)].compactMap { $0 })
                .filter { up ? ($0 > from && $0 < extreme) : ($0 < from && $0 > extreme) }
            for level in Set(triggers).sorted(by: { up ? $0 < $1 : $0 > $1 }) {
                _ = exchange.setPrice(level, for: symbol, time: candle.openTime)
            }
            _ = exchange.setPrice(extreme, for: symbol, time: candle.openTime)
        }
    }

    /// Whether a price within the candle's range can change anything: an open order would fill or
    /// trigger at its low or its high (at one of them if anywhere: each rule is a threshold), or the
    /// liquidation price is reached (within the tick it is rounded to). Flat with nothing resting,
    /// nothing can.
    static func reachesAnything(_ candle: Candle, _ exchange: SimExchange, symbol: String, position: SimPosition,
                                liquidation: inout LiquidationLevel) -> Bool {
        if position.amount.isZero && exchange.openOrderCount == 0 { return false }
        let resting = exchange.hasOpenOrder(symbol: symbol) { order in
            if order.kind.isConditional {
                return order.kind.triggers(side: order.side, price: candle.low, stopPrice: order.stopPrice)
                    || order.kind.triggers(side: order.side, price: candle.high, stopPrice: order.stopPrice)
            }
            return order.side == .buy ? candle.low <= order.price : candle.high >= order.price
        }
        if resting || position.amount.isZero { return resting }
        guard let level = liquidation.price(exchange, symbol: symbol, position: position) else { return false }
        let tick = exchange.symbols[symbol]?.tickSize ?? .zero
        // A long is liquidated at or below its price, a short at or above.
        return position.amount.isNegative ? candle.high + tick >= level : candle.low - tick <= level
    }

    /// The liquidation price, worked out again only when what it depends on has changed: the
    /// position and the wallet (a backtest holds one symbol, so no other position moves it).
    struct LiquidationLevel {
        private var basis: (amount: Amount, entry: Amount, wallet: Amount)?
        private var level: Amount?

        mutating func price(_ exchange: SimExchange, symbol: String, position: SimPosition) -> Amount? {
            let current = (amount: position.amount, entry: position.entryPrice, wallet: exchange.ledger.walletBalance)
            if let basis, basis == current { return level }
            basis = current
            level = exchange.liquidationPrice(for: symbol)
            return level
        }
    }

    /// The closed candles each requirement asks for, as of `time`: the primary's as they are,
    /// longer timeframes merged from them (only the ones already closed; with gaps in the data a
    /// longer candle may be merged from fewer primary ones, as the data has them).
    static func window(_ candles: ArraySlice<Candle>, _ requirements: [CandleRequirement], primary: Timeframe, at time: Int64) -> [Timeframe: ArraySlice<Candle>] {
        var window: [Timeframe: ArraySlice<Candle>] = [:]
        Self.window(&window, candles, requirements, primary: primary, at: time)
        return window
    }

    /// The same, into `window` (its entries replaced, so a dictionary reused from candle to candle is not reallocated).
    static func window(_ window: inout [Timeframe: ArraySlice<Candle>], _ candles: ArraySlice<Candle>, _ requirements: [CandleRequirement],
                       primary: Timeframe, at time: Int64) {
        for requirement in requirements {
            if requirement.timeframe == primary {
                window[primary] = candles.suffix(requirement.count)  // a view of the run's candles: no copy
                continue
            }
            // Only the primary candles the longer ones need (one more for the one in progress), not the whole run so far.
            let span = Int(max(1, requirement.timeframe.milliseconds / primary.milliseconds)) * (requirement.count + 1)
            let merged = CandleFile.merge(candles.suffix(span), into: requirement.timeframe).map(\.candle)
            window[requirement.timeframe] = merged.filter { $0.isClosed(at: time) }.suffix(requirement.count)
        }
    }

    static func openOrder(_ order: SimOrder) -> StrategyOpenOrder {
        StrategyOpenOrder(clientOrderID: order.clientOrderId, side: order.side, type: OrderType(rawValue: order.kind.rawValue) ?? .market,
                          quantity: order.quantity, price: order.kind == .limit ? order.price : nil,
                          stopPrice: order.kind.isConditional ? order.stopPrice : nil)
    }

    /// The projections the risk guard reads: the wallet and the position, as the exchange has them.
    static func projection(_ exchange: SimExchange, symbol: String) -> ProjectionState {
        var state = ProjectionState()
        state.status.engineState = .running
        let position = exchange.ledger.position(symbol)
        state.positions[symbol] = PositionPayload(symbol: symbol, amount: position.amount, entryPrice: position.entryPrice, time: 0)
        state.balances["USDT"] = BalancePayload(asset: "USDT", walletBalance: exchange.ledger.walletBalance,
                                                crossWalletBalance: exchange.ledger.walletBalance, time: 0)
        return state
    }

    /// The strategy's resting stops and take-profits, as the planner cancels them.
    static func protective(_ exchange: SimExchange, symbol: String) -> [OrderPayload] {
        exchange.openOrders(symbol: symbol).filter { $0.kind.isConditional }.map { order in
            OrderPayload(symbol: symbol, clientOrderID: order.clientOrderId, orderID: String(order.orderId), side: order.side,
                         type: OrderType(rawValue: order.kind.rawValue) ?? .stopMarket, status: .acknowledged, price: order.stopPrice,
                         quantity: order.quantity, filledQuantity: .zero, reduceOnly: order.reduceOnly, time: order.updateTime)
        }
    }
}
