import AlphaCore
import AlphaStore
import AlphaStrategy
import Logging

/// Runs the configured strategy on every closed candle of its timeframe (DESIGN rule 2: the
/// strategy never touches the exchange). For each candle it builds a read-only snapshot, asks
/// the strategy, holds each decision against the risk guard, and records what happened — a
/// `StrategyEvaluated` event (with the strategy's new state), a `DecisionMade` per decision, a
/// `RiskGuardRejected` per refusal — and the commands the decisions became, all in one
/// transaction. The commands go through the executor like anyone's, at the lowest priority.
///
/// Never twice: a candle's evaluation has a dedup key, and each command an idempotency key made
/// of strategy, symbol, candle and decision, so a restart or a replayed candle sends nothing new.
/// A strategy that throws, decides nonsense or takes too long puts the engine in SAFE with an
/// event saying why; the bot keeps running and users' commands still work.
public final class StrategyRunner: BotComponent {
    public struct Settings: Sendable {
        /// The longest `decide` may take; longer puts the engine in SAFE.
        public var decideBudgetMilliseconds: Int64 = 500
        /// Whether this is the simulator (simulator-only strategies are refused elsewhere).
        public var simulator = false
        public init() {}
    }

    /// The strategy as the configuration names it, built.
    struct Loaded {
        var name: String
        var series: CandleSeries
        var strategy: any Strategy
        var requirements: [CandleRequirement]
        var checked: StrategyParameters
        var entityID: String { "\(name):\(series.symbol):\(series.timeframe)" }
    }

    public let name = "strategy"
    private let runtime: RuntimeSettings
    private let feed: MarketDataFeed
    private let executor: OrderExecutor
    private let writer: any EventJournal
    private let commands: any CommandQueue
    private let events: any EventLog
    private let scope: Scope
    /// The venue: its quote asset counts the money; without stop orders of its own, the
    /// strategy's stops are watched here (`protection`).
    private let venue: VenueCapabilities
    private let settings: Settings
    private let log: Logger
    private var loaded: Loaded?
    private var state: JSONObject = [:]
    private var lastEvaluated: Int64?
    /// The newest closed candle of the strategy's series not evaluated yet.
    private var pending: ClosedCandle?
    /// Commands this runner inserted that have not settled: the next candle waits for them.
    private var outstanding: [String] = []
    /// The position the strategy's last market orders should leave, until the account shows it:
    /// an acknowledged order is not yet a known fill, and a decision made on the position before
    /// it would be made twice.
    private var expected: Expectation?
    /// Whether a reconcile has finished since this boot (positions may have moved while down).
    private var reconciledThisBoot = false
    /// Monotonic times of the orders the strategy sent, for the order-rate rule.
    private var sentOrders: [Int64] = []
    /// Whether an order (by client id) was placed by a strategy's command, remembered once asked.
    private var strategyOrders: [String: Bool] = [:]
    /// The levels protecting the strategy's position where the venue holds no stop orders.
    private var protection: LocalProtection?
    /// The UTC day an admin resumed the engine after the daily loss limit paused it.
    private var lossOverrideDay: String?
    private var waitingLogged = false
    private var quarantineLogged = false
    /// Told after the runner inserted commands (the dispatcher claims them on its next turn).
    public var commandsQueued: () -> Void = {}

    struct Expectation {
        var symbol: String
        var amount: Amount
        /// The market orders that should make it.
        var orders: [String]
        /// A reconcile finished after they settled: the projections are the exchange's, whatever they say.
        var reconciled = false
    }

    static let dailyLossReason = "risk guard: daily loss limit reached"

    public init(runtime: RuntimeSettings, feed: MarketDataFeed, executor: OrderExecutor, writer: any EventJournal, commands: any CommandQueue,
                events: any EventLog, scope: Scope, venue: VenueCapabilities = .binanceUSDM, settings: Settings = Settings(),
                log: Logger = Logger(label: "strategy")) {
        self.venue = venue
        self.runtime = runtime
        self.feed = feed
        self.executor = executor
        self.writer = writer
        self.commands = commands
        self.events = events
        self.scope = scope
        self.settings = settings
        self.log = log
    }

    // MARK: Component

    public func start(_ time: KernelTime) throws {
        // Commands of ours a previous run left queued or in flight: the next candle waits for them.
        outstanding = try (commands.list(status: .new, type: nil, limit: 1000) + commands.list(status: .sent, type: nil, limit: 1000))
            .filter { $0.actor.kind == .strategy }.map(\.id)
        load(runtime.current, restoring: true, time)
        lossOverrideDay = try restoredLossOverride(time)
    }

    public func didAppend(_ events: [Event], _ time: KernelTime) throws {
        for event in events {
            switch event.type {
            case .configChanged:
                load(runtime.current, restoring: false, time)
            case .reconciliationPerformed:
                reconciledThisBoot = true
                // The reconciler runs on this thread: one that ends after our orders settled saw their fills.
                if let orders = expected?.orders, try orders.allSatisfy({ id in try commands.command(id: id).map { !$0.status.isOpenCommand } ?? true }) {
                    expected?.reconciled = true
                }
            case .engineResumed where event.commandID != nil && time.now.utcDay == event.ts.utcDay:
                // An admin resumed the engine: if the daily loss limit had paused it, it stays
                // resumed until the next UTC day.
                if writer.state.dailyLossUsed(day: time.now.utcDay, asset: venue.quoteAsset) >= runtime.current.dailyLossLimit {
                    lossOverrideDay = time.now.utcDay
                }
            default: break
            }
        }
    }

    public func tick(_ time: KernelTime) throws -> Bool {
        let closed = feed.takeClosed()
        var worked = !closed.isEmpty
        if let loaded {
            for candle in closed where candle.series == loaded.series && candle.candle.openTime > (lastEvaluated ?? .min) {
                if pending.map({ candle.candle.openTime > $0.candle.openTime }) ?? true { pending = candle }
            }
        }
        if try guardDailyLoss(time) { worked = true }
        if try watchProtection(time) { worked = true }
        guard let loaded, let candle = pending else { return worked }
        let status = writer.state.status
        guard status.engineState == .running else {
            // PAUSED and SAFE stop the strategy: the candle is let go, the next one is looked at.
            if !waitingLogged { log.info("strategy waits: the engine is \(status.engineState.rawValue)") }
            waitingLogged = true
            pending = nil
            return worked
        }
        waitingLogged = false
        // Someone else trades the symbol (issue 15): no decision on it until a user adopts it.
        if let quarantine = writer.state.quarantines[loaded.series.symbol] {
            if !quarantineLogged { log.notice("strategy waits: \(loaded.series.symbol) is in quarantine (\(quarantine.started.reason))") }
            quarantineLogged = true
            pending = nil
            return worked
        }
        quarantineLogged = false
        // Orders still being settled (or our own commands still queued) come first (DESIGN §8);
        // without the symbol's tick and step no order can be made right; before a reconcile of
        // this boot the account may have moved while the bot was down; and until its last orders'
        // fills are known, the position it would decide on is the one before them.
        guard !executor.hasUnresolved, try outstandingSettled(), feed.rules[loaded.series.symbol] != nil,
              reconciledThisBoot, try accountCaughtUp() else { return worked }
        pending = nil
        try evaluate(candle, loaded, time)
        return true
    }

    // MARK: Loading

    /// Builds the configured strategy. A configuration that names one that cannot run (an
    /// unknown name, bad parameters, the simulator's test strategy elsewhere) stops the strategy
    /// and says why; the web refuses such a configuration before it is stored.
    private func load(_ config: RuntimeConfig, restoring: Bool, _ time: KernelTime) {
        if config.strategyName == RuntimeConfig.noStrategy {
            if loaded != nil || restoring { log.info("no strategy configured: manual trading only") }
            loaded = nil
            pending = nil
            feed.follow(dashboardSeries)
            return
        }
        guard let timeframe = Timeframe(config.strategyTimeframe) else {
            stopStrategy("strategy.timeframe \(config.strategyTimeframe) has no fixed length; no strategy runs on it")
            return
        }
        if StrategyCatalog.simulatorOnly.contains(config.strategyName), !settings.simulator {
            stopStrategy("\(config.strategyName) runs only against the simulator")
            return
        }
        let strategy: any Strategy
        let checked: StrategyParameters
        do throws(StrategyParameterError) {
            (strategy, checked) = try StrategyCatalog.prepare(name: config.strategyName, parameters: config.strategyParams)
        } catch {
            stopStrategy("the configured strategy cannot run: \(error)")
            return
        }
        let series = CandleSeries(symbol: config.symbol, timeframe: timeframe)
        let next = Loaded(name: config.strategyName, series: series, strategy: strategy,
                          requirements: strategy.requirements(primary: timeframe), checked: checked)
        let previous = loaded
        loaded = next
        if restoring || previous?.entityID != next.entityID {
            // Another strategy, symbol or timeframe: its own state (the last it left, at boot).
            state = [:]
            lastEvaluated = nil
            pending = nil
            if let last = try? events.latest(matching: EventFilter(types: [.strategyEvaluated], entityKind: .strategy, entityID: next.entityID)),
               let payload = try? StrategyEvaluatedPayload(json: last.payload) {
                lastEvaluated = payload.candleOpenTime
                if restoring { state = payload.state }
            }
            // The levels the strategy's last decision set, watched again after a restart.
            protection = nil
            if !venue.hasStopOrders,
               let last = try? events.latest(matching: EventFilter(types: [.decisionMade], entityKind: .strategy, entityID: next.entityID)),
               let payload = try? DecisionMadePayload(json: last.payload) {
                protection = LocalProtection(decision: payload, dedupKey: last.dedupKey)
            }
        }
        var wanted = dashboardSeries
        for requirement in next.requirements {
            let each = CandleSeries(symbol: series.symbol, timeframe: requirement.timeframe)
            wanted[each] = max(wanted[each] ?? 0, requirement.count)
        }
        feed.follow(wanted)
        log.info("strategy loaded", metadata: ["strategy": "\(next.name)", "series": "\(series)", "parameters": "\(checked.values.serialized)"])
    }

    /// What the dashboard charts and marks positions with, strategy or not: one-minute candles
    /// (and so the mark price) of every followed symbol.
    private var dashboardSeries: [CandleSeries: Int] {
        Dictionary(runtime.symbols.map { (CandleSeries(symbol: $0, timeframe: .oneMinute), Self.dashboardCandles) }, uniquingKeysWith: max)
    }

    static let dashboardCandles = 500

    private func stopStrategy(_ reason: String) {
        loaded = nil
        pending = nil
        feed.follow(dashboardSeries)
        log.error("no strategy runs: \(reason)")
    }

    // MARK: Evaluating

    private func evaluate(_ closed: ClosedCandle, _ loaded: Loaded, _ time: KernelTime) throws {
        let candleKey = DedupKey.strategyCandle(strategy: loaded.name, symbol: loaded.series.symbol, timeframe: loaded.series.timeframe.name,
                                                openTime: closed.candle.openTime)
        // Evaluated before (a restart between the commit and here, a replayed candle): never again.
        if try events.event(dedupKey: candleKey) != nil {
            lastEvaluated = closed.candle.openTime
            return
        }
        let snapshot = try makeSnapshot(closed, loaded)
        let started = ContinuousClock.now
        let output: StrategyOutput
        do {
            output = try loaded.strategy.decide(snapshot)
        } catch {
            try goSafe("strategy \(loaded.name) threw on the \(closed.series) candle \(Timestamp(millisecondsSinceEpoch: closed.candle.openTime).iso8601): \(error)",
                       candleKey: candleKey, time)
            return
        }
        let elapsed = ContinuousClock.now - started
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        if micros > settings.decideBudgetMilliseconds * 1000 {
            try goSafe("strategy \(loaded.name) took \(micros / 1000) ms to decide; the limit is \(settings.decideBudgetMilliseconds) ms",
                       candleKey: candleKey, time)
            return
        }
        for decision in output.decisions {
            do throws(StrategyNonsense) {
                try decision.check(price: snapshot.lastPrice, position: snapshot.position)
            } catch {
                try goSafe("strategy \(loaded.name) decided nonsense: \(error) (\(decision.reason))", candleKey: candleKey, time)
                return
            }
        }
        try record(output, snapshot: snapshot, closed: closed, loaded: loaded, candleKey: candleKey, micros: micros, time)
        lastEvaluated = closed.candle.openTime
        state = output.state
    }

    private func makeSnapshot(_ closed: ClosedCandle, _ loaded: Loaded) throws -> StrategySnapshot {
        var candles: [Timeframe: [Candle]] = [:]
        for requirement in loaded.requirements {
            // Candles of another timeframe count only once closed by the primary candle's close.
            let until = closed.candle.closeTime + 1 - requirement.timeframe.milliseconds
            candles[requirement.timeframe] = try feed.candles(CandleSeries(symbol: loaded.series.symbol, timeframe: requirement.timeframe),
                                                              until: until, count: requirement.count)
        }
        let projections = writer.state
        let symbol = loaded.series.symbol
        let position = projections.positions[symbol].map { StrategyPosition(quantity: $0.amount, entryPrice: $0.entryPrice) } ?? .flat
        let marks = feed.marks.mapValues(\.price)
        let openOrders = projections.orders.values
            .filter { $0.symbol == symbol && $0.status.isOpen && !$0.type.isConditional && isStrategyOrder($0.clientOrderID) }
            .sorted { $0.clientOrderID < $1.clientOrderID }
            .map { StrategyOpenOrder(clientOrderID: $0.clientOrderID, side: $0.side, type: $0.type, quantity: $0.quantity, price: $0.price) }
        return StrategySnapshot(symbol: symbol, timeframe: loaded.series.timeframe, time: closed.candle.closeTime + 1, candles: candles,
                                lastPrice: closed.candle.close, markPrice: marks[symbol], position: position,
                                equity: RiskGuard.equity(projections, asset: venue.quoteAsset, marks: marks, spot: venue.market == .spot),
                                availableBalance: projections.balances[venue.quoteAsset]?.crossWalletBalance ?? .zero,
                                openOrders: openOrders, state: state, parameters: loaded.checked)
    }

    /// What the decisions of this candle are planned against: the symbol's rules, the strategy's
    /// own protective orders, the limits and the orders sent in the last minute.
    private func planner(_ snapshot: StrategySnapshot, loaded: Loaded, time: KernelTime) -> DecisionPlanner? {
        let symbol = snapshot.symbol
        guard let rules = feed.rules[symbol] else { return nil }
        // The strategy's own stops and take-profits only: a user's stay where the user put them.
        let protective = writer.state.orders.values
            .filter { $0.symbol == symbol && $0.status.isOpen && $0.type.isConditional && isStrategyOrder($0.clientOrderID) }
            .sorted { $0.clientOrderID < $1.clientOrderID }
        return DecisionPlanner(rules: rules, actor: Actor(kind: .strategy, id: "strategy:\(loaded.name)"), scope: scope, now: time.now,
                               guardian: RiskGuard(limits: limits(time)), state: writer.state, marks: feed.marks.mapValues(\.price),
                               ordersInLastMinute: sentOrders.filter { $0 > time.monotonic - 60_000 }.count, protective: protective,
                               venueHoldsStops: venue.hasStopOrders)
    }

    /// The configured limits, with the daily loss limit lifted on a day an admin overrode it.
    private func limits(_ time: KernelTime) -> RiskLimits {
        var limits = RiskLimits(runtime.current, venue: venue)
        if lossOverrideDay == time.now.utcDay { limits.dailyLossLimit = Amount(1) }
        return limits
    }

    private func record(_ output: StrategyOutput, snapshot: StrategySnapshot, closed: ClosedCandle, loaded: Loaded, candleKey: String,
                        micros: Int64, _ time: KernelTime) throws {
        let symbol = loaded.series.symbol
        var batch: [Event] = []
        var toInsert: [Command] = []
        var targets: [Expectation] = []
        let correlation = Identifier.random()
        let planning = planner(snapshot, loaded: loaded, time: time)
        func event(_ type: EventType, key: String, _ payload: JSONObject) -> Event {
            Event(type: type, ts: time.now, correlationID: correlation, source: .bot, entityKind: .strategy, entityID: loaded.entityID,
                  scope: scope, dedupKey: key, payload: payload)
        }
        batch.append(event(.strategyEvaluated, key: candleKey, StrategyEvaluatedPayload(
            strategy: loaded.name, symbol: symbol, timeframe: loaded.series.timeframe.name, candleOpenTime: closed.candle.openTime,
            close: closed.candle.close, signals: output.signals.map { .object(["name": .string($0.name), "values": .object($0.values)]) },
            decisions: Int64(output.decisions.count), state: output.state, durationMicroseconds: micros).json))
        for (index, decision) in output.decisions.enumerated() {
            let plan = planning?.plan(decision, index: index, snapshot: snapshot, candleKey: candleKey) ?? DecisionPlanner.Plan()
            let (planned, refusal) = (plan.commands, plan.refusal)
            if let target = plan.target {
                let markets = planned.filter { $0.type == .placeOrder && $0.payload["type"] == "MARKET" }.map(\.id)
                targets.append(Expectation(symbol: symbol, amount: target, orders: markets))
            }
            let decisionKey = "\(candleKey):decision:\(index)"
            let decided = DecisionMadePayload(strategy: loaded.name, symbol: symbol, candleOpenTime: closed.candle.openTime, index: Int64(index),
                                              kind: decision.kind, details: details(decision), reason: decision.reason, commandIDs: planned.map(\.id))
            batch.append(event(.decisionMade, key: decisionKey, decided.json))
            if !venue.hasStopOrders, refusal == nil, case .targetPosition = decision.action {
                // The decision's levels replace the last ones (a flat target has none to watch).
                protection = LocalProtection(decision: decided, dedupKey: decisionKey)
            }
            if let refusal {
                var rejected = event(.riskGuardRejected, key: "\(candleKey):rejected:\(index)", RiskGuardRejectedPayload(
                    commandID: nil, commandType: nil, actor: "strategy:\(loaded.name)", rule: refusal.rule, reason: refusal.reason,
                    measured: refusal.measured, limit: refusal.limit).json)
                rejected.entityKind = .engine
                rejected.entityID = "engine"
                batch.append(rejected)
                log.notice("decision refused by the risk guard", metadata: ["rule": "\(refusal.rule)", "reason": "\(refusal.reason)"])
            }
            toInsert += planned
        }
        _ = try writer.append(batch) {
            for command in toInsert { _ = try self.commands.insert(command) }
        }
        outstanding = toInsert.map(\.id)
        if let last = targets.last { expected = last }
        if !toInsert.isEmpty { commandsQueued() }
        let orders = toInsert.filter { $0.type == .placeOrder }.count
        sentOrders = sentOrders.filter { $0 > time.monotonic - 60_000 } + Array(repeating: time.monotonic, count: orders)
        if !output.decisions.isEmpty {
            log.info("strategy decided", metadata: ["strategy": "\(loaded.name)", "candle": "\(closed.candle.openTime)",
                                                    "decisions": "\(output.decisions.map(\.reason))", "commands": "\(toInsert.count)"])
        }
    }

    /// Where the venue holds no stop orders: sends the exit when the mark reaches the position's
    /// stop-loss or take-profit (once: the exit is keyed by the decision that set the levels).
    /// Waits while orders are settling; a position closed meanwhile (by hand, say) ends the watch
    /// when a level is reached, with nothing sent.
    private func watchProtection(_ time: KernelTime) throws -> Bool {
        // The mark first: every tick comes here, and only a reached level needs the store read.
        guard let watched = protection, let loaded, watched.symbol == loaded.series.symbol,
              let mark = feed.marks[watched.symbol], let reason = watched.reached(mark: mark.price),
              writer.state.status.engineState == .running,
              !executor.hasUnresolved, try outstandingSettled(), try accountCaughtUp() else { return false }
        protection = nil
        let position = writer.state.positions[watched.symbol]?.amount ?? .zero
        guard !position.isZero, position.isNegative == watched.target.isNegative else {
            log.info("protection ended: no position left to protect", metadata: ["symbol": "\(watched.symbol)"])
            return false
        }
        let key = "\(watched.decisionKey):protect"
        if try events.event(dedupKey: key) != nil { return false }  // sent before a restart
        let symbol = watched.symbol
        let exit = Command(type: .placeOrder, ts: time.now, actor: Actor(kind: .strategy, id: "strategy:\(loaded.name)"), scope: scope,
                           idempotencyKey: key,
                           payload: ["symbol": .string(symbol), "side": .string(position > .zero ? OrderSide.sell.rawValue : OrderSide.buy.rawValue),
                                     "type": .string(OrderType.market.rawValue), "quantity": .amount(position.magnitude), "reduceOnly": .bool(true)])
        let decided = DecisionMadePayload(strategy: loaded.name, symbol: symbol, candleOpenTime: mark.time - mark.time % 60_000, index: 0,
                                          kind: "target", details: ["target": .amount(.zero)], reason: reason, commandIDs: [exit.id])
        _ = try writer.append([Event(type: .decisionMade, ts: time.now, source: .bot, entityKind: .strategy, entityID: loaded.entityID, scope: scope,
                                     dedupKey: key, payload: decided.json)]) {
            _ = try self.commands.insert(exit)
        }
        outstanding = [exit.id]
        expected = Expectation(symbol: symbol, amount: .zero, orders: [exit.id])
        sentOrders.append(time.monotonic)
        commandsQueued()
        log.notice("protective exit sent", metadata: ["symbol": "\(symbol)", "reason": "\(reason)"])
        return true
    }

    private func details(_ decision: StrategyDecision) -> JSONObject {
        var details: JSONObject = [:]
        switch decision.action {
        case .targetPosition(let target): details["target"] = .amount(target)
        case .limitOrder(let side, let quantity, let price):
            details["side"] = .string(side.rawValue)
            details["quantity"] = .amount(quantity)
            details["price"] = .amount(price)
        case .cancelOpenOrders: break
        }
        if let stop = decision.stopLoss { details["stopLoss"] = .amount(stop) }
        if let profit = decision.takeProfit { details["takeProfit"] = .amount(profit) }
        return details
    }

    /// Whether the order came from a strategy's command (`ae-<command id>`, a STRATEGY actor).
    private func isStrategyOrder(_ clientOrderID: String) -> Bool {
        if let known = strategyOrders[clientOrderID] { return known }
        guard let commandID = ClientOrderID.commandID(of: clientOrderID) else { return false }
        let ours = ((try? commands.command(id: commandID)) ?? nil)?.actor.kind == .strategy
        strategyOrders[clientOrderID] = ours
        return ours
    }

    /// Whether the position the last market orders should leave is known: the projection shows
    /// it, a reconcile ran after they settled, or none of them went through.
    private func accountCaughtUp() throws -> Bool {
        guard let expectation = expected else { return true }
        let orders = try expectation.orders.compactMap { try commands.command(id: $0) }
        if orders.contains(where: \.status.isOpenCommand) { return false }
        let position = writer.state.positions[expectation.symbol]?.amount ?? .zero
        if position == expectation.amount || expectation.reconciled || orders.allSatisfy({ $0.status == .failed }) {
            expected = nil
            return true
        }
        return false
    }

    private func outstandingSettled() throws -> Bool {
        outstanding = try outstanding.filter { id in
            guard let command = try commands.command(id: id) else { return false }
            return command.status.isOpenCommand
        }
        return outstanding.isEmpty
    }

    // MARK: SAFE and the daily loss

    /// Parks the engine in SAFE (no new orders; users may still close and cancel) and says why.
    private func goSafe(_ reason: String, candleKey: String, _ time: KernelTime) throws {
        log.error("engine to SAFE: \(reason)")
        _ = try writer.append(Event(type: .engineModeChanged, ts: time.now, source: .bot, entityKind: .engine, entityID: "engine", scope: scope,
                                    dedupKey: "\(candleKey):safe", payload: EngineModePayload(mode: .safe, reason: reason).json))
    }

    /// The daily loss limit pauses the engine until the next UTC day (unless an admin resumes it),
    /// and the next day resumes what it paused. Returns whether it changed anything.
    private func guardDailyLoss(_ time: KernelTime) throws -> Bool {
        let status = writer.state.status
        let today = time.now.utcDay
        if status.engineState == .paused, let reason = status.engineReason, reason.hasPrefix(Self.dailyLossReason),
           let since = status.engineSince, since.utcDay < today {
            _ = try writer.append(Event(type: .engineResumed, ts: time.now, source: .bot, entityKind: .engine, entityID: "engine", scope: scope,
                                        dedupKey: "engine:daily-loss:\(today):resumed",
                                        payload: EngineReasonPayload(reason: "risk guard: a new UTC day (\(today)); the daily loss limit is reset").json))
            log.notice("new UTC day: the engine resumes after the daily loss limit", metadata: ["day": "\(today)"])
            return true
        }
        guard status.engineState == .running, loaded != nil, lossOverrideDay != today else { return false }
        let used = writer.state.dailyLossUsed(day: today, asset: venue.quoteAsset)
        let limit = runtime.current.dailyLossLimit
        guard used >= limit else { return false }
        let reason = "\(Self.dailyLossReason) (\(used) of the wallet lost on \(today) UTC; the limit is \(limit)); the strategy stops until the next UTC day"
        let rejected = RiskGuardRejectedPayload(commandID: nil, commandType: nil, actor: "strategy:\(loaded?.name ?? "")", rule: "DAILY_LOSS_LIMIT",
                                                reason: reason, measured: used, limit: limit)
        _ = try writer.append([
            Event(type: .riskGuardRejected, ts: time.now, source: .bot, entityKind: .engine, entityID: "engine", scope: scope,
                  dedupKey: "engine:daily-loss:\(today):rejected", payload: rejected.json),
            Event(type: .enginePaused, ts: time.now, source: .bot, entityKind: .engine, entityID: "engine", scope: scope,
                  dedupKey: "engine:daily-loss:\(today):paused", payload: EngineReasonPayload(reason: reason).json),
        ])
        log.warning("daily loss limit reached: engine paused until the next UTC day", metadata: ["used": "\(used)", "limit": "\(limit)"])
        return true
    }

    /// At boot: whether an admin already resumed the engine today after the limit paused it.
    private func restoredLossOverride(_ time: KernelTime) throws -> String? {
        let today = time.now.utcDay
        let dayStart = Timestamp(millisecondsSinceEpoch: time.now.millisecondsSinceEpoch / 86_400_000 * 86_400_000)
        guard let paused = try events.latest(matching: EventFilter(types: [.enginePaused], from: dayStart)),
              (try? EngineReasonPayload(json: paused.payload))?.reason.hasPrefix(Self.dailyLossReason) == true,
              let resumed = try events.latest(matching: EventFilter(types: [.engineResumed], from: dayStart)),
              resumed.commandID != nil, (resumed.seq ?? 0) > (paused.seq ?? 0) else { return nil }
        return today
    }
}
