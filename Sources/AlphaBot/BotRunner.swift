import AlphaCore
import AlphaExchange
import AlphaStore
import Logging

/// The bot's composition root: picks the venue, builds the components and hands them to the
/// kernel in boot order (DESIGN §8): in-flight orders resolved → engine started (resuming its
/// last state) → stream connected → first reconcile; then the loop. Everything the bot does is
/// a component; this file only wires them.
public final class BotRunner {
    public struct Settings: Sendable {
        /// Symbols followed besides the runtime configuration's own.
        public var extraSymbols: [String] = []
        public var reconcile = ReconcileScheduler.Settings()
        /// Whether `reconcile.intervalMilliseconds` was set by a flag (else the runtime config's
        /// `engine.poll_interval_sec` decides).
        public var reconcileIntervalFixed = false
        /// How long after one of our orders is acknowledged its stream update may take before
        /// the stream counts as lossy and the reconciler fetches the fills itself.
        public var streamConfirmMilliseconds: Int64 = 1_000
        public var executor = OrderExecutor.Settings()
        public var market = MarketDataFeed.Settings()
        public var strategy = StrategyRunner.Settings()
        /// Where withdrawals may go (the server's configuration file).
        public var withdrawals = WithdrawalPolicy()

        public init() {}
    }

    public enum BootError: Error, CustomStringConvertible {
        case hedgeMode
        case exchange(ExchangeError)

        public var description: String {
            switch self {
            case .hedgeMode: "the account is in hedge mode (dualSidePosition=true); AlphaEngine trades one-way mode only — switch it on the exchange first"
            case .exchange(let error): "exchange: \(error)"
            }
        }
    }

    public let kernel: BotKernel
    public let venue: any ExchangeVenue
    public let commands: any CommandQueue
    public let dispatcher: CommandDispatcher
    public let executor: OrderExecutor
    public let engine: EngineLifecycle
    public let scheduler: ReconcileScheduler
    public let stream: StreamSupervisor
    public let heartbeat: HeartbeatComponent
    public let market: MarketDataFeed
    public let strategy: StrategyRunner
    public let runtime: RuntimeSettings
    public let outside: OutsideActivityWatch
    private let log: Logger

    /// `logger(component)` gives each component its logger (tests capture them).
    public init(venue: any ExchangeVenue, storage: any Storage, mode: TradingMode, settings: Settings = Settings(),
                clock: any Clock = SystemClock(), logger: (String) -> Logger = { Logger(label: "alphaengine.\($0)") },
                onLogLevel: @escaping (String) -> Void = { _ in }) throws {
        self.venue = venue
        log = logger("bot")
        let writer = try storage.eventJournal()  // loads projections, replays after the checkpoint
        kernel = BotKernel(clock: clock, writer: writer)
        commands = storage.commands
        let scope = Scope(on: venue.capabilities, mode: mode)
        let account = venue.account
        let capabilities = venue.capabilities
        let funding = FundingCatchUp(account: account, writer: writer, capabilities: capabilities, clock: clock)
        let reconciler = Reconciler(account: account, writer: writer, scope: scope, symbols: [],
                                    trades: TradeCatchUp(account: account, writer: writer, capabilities: capabilities, clock: clock),
                                    funding: funding, clock: clock, holdingsOnlyByREST: capabilities.market == .spot)
        executor = OrderExecutor(account: account, pacer: venue.pacer, writer: writer, commands: commands, capabilities: capabilities,
                                 settings: settings.executor,
                                 log: logger("orders"))
        engine = EngineLifecycle(writer: writer, scope: scope, log: logger("engine"))
        scheduler = ReconcileScheduler(reconciler: reconciler, funding: funding, writer: writer, commands: commands, pacer: venue.pacer,
                                       settings: settings.reconcile, log: logger("reconciler"))
        stream = StreamSupervisor(venue: venue, writer: writer, scheduler: scheduler, scope: scope, wake: kernel.wake, log: logger("stream"))
        stream.confirmMilliseconds = settings.streamConfirmMilliseconds
        heartbeat = HeartbeatComponent(store: storage.heartbeats, pacer: venue.pacer, engine: engine, log: logger("heartbeat"))
        heartbeat.residentOrders = { writer.state.orders.count }
        runtime = RuntimeSettings(configs: storage.configs, reconciler: reconciler, scheduler: scheduler, executor: executor,
                                  extraSymbols: settings.extraSymbols, pollIntervalFixed: settings.reconcileIntervalFixed, venue: capabilities,
                                  log: logger("config"), onLogLevel: onLogLevel)
        market = MarketDataFeed(venue: venue, store: storage.marketData, wake: kernel.wake, settings: settings.market, log: logger("market"))
        let feed = market
        executor.marks = { feed.marks.mapValues(\.price) }
        var strategySettings = settings.strategy
        if mode == .sim { strategySettings.simulator = true }
        strategy = StrategyRunner(runtime: runtime, feed: market, executor: executor, writer: writer, commands: commands, events: storage.events,
                                  scope: scope, venue: capabilities, settings: strategySettings, log: logger("strategy"))
        dispatcher = CommandDispatcher(commands: commands, changes: storage.changeFeed(), pacer: venue.pacer)
        strategy.commandsQueued = { [unowned dispatcher] in dispatcher.queued() }
        dispatcher.register(executor, for: OrderExecutor.commandTypes, needsExchange: true)
        dispatcher.register(scheduler, for: [.runReconcile], needsExchange: true)
        dispatcher.register(ControlCommands(writer: writer, commands: commands, configs: storage.configs, venue: capabilities), for: ControlCommands.commandTypes, needsExchange: false)
        let desk = QuarantineDesk(account: account, writer: writer, commands: commands, capabilities: capabilities, log: logger("quarantine"))
        desk.commandsQueued = { [unowned dispatcher] in dispatcher.queued() }
        desk.marks = { feed.marks.mapValues(\.price) }
        dispatcher.register(desk, for: [.resolveQuarantine], needsExchange: true)
        dispatcher.register(FundsDesk(wallet: venue.wallet, writer: writer, commands: commands, capabilities: capabilities,
                                      policy: settings.withdrawals, log: logger("funds")),
                            for: [.internalTransfer, .withdraw], needsExchange: true)
        outside = OutsideActivityWatch(account: account, writer: writer, commands: commands, events: storage.events, reconciler: reconciler,
                                       executor: executor,
                                       funds: venue.wallet.map { FundsScan(wallet: $0, writer: writer, scope: scope, clock: clock) },
                                       scope: scope, log: logger("outside"))
        // Boot order: what each needs is started before it. The strategy comes after the first
        // reconcile, so it decides on the account as the exchange has it; outside activity is
        // looked for after each reconcile, before the strategy's next turn.
        for component: any BotComponent in [runtime, executor, engine, stream, scheduler, outside, market, strategy, heartbeat, dispatcher] {
            kernel.add(component)
        }
    }

    public var writer: any EventJournal { kernel.writer }

    /// Boot: the venue's clock and position mode (exchange trouble is waited out with backoff
    /// until `shouldStop`; only what waiting cannot fix — hedge mode, wrong keys — ends it), then
    /// every component's start.
    public func boot(shouldStop: () -> Bool = { false }) throws {
        let clock = kernel.clock
        var delay: Int64 = 250
        while true {
            do {
                try venue.account.syncClock()
                if venue.capabilities.hasHedgeMode, try venue.account.isHedgeMode() { throw BootError.hedgeMode }
                break
            } catch let error as ExchangeError {
                if case .rejected(let status, _, _) = error, status == 401 { throw BootError.exchange(error) }  // wrong keys: waiting will not help
                if shouldStop() { throw BootError.exchange(error) }
                log.warning("exchange not ready; waiting", metadata: ["cause": "\(error)"])
                if let closure = venue.pacer.closure(now: clock.monotonicMilliseconds) {
                    clock.sleep(milliseconds: min(closure.until - clock.monotonicMilliseconds, 5_000))  // a 429/418 is waited out exactly
                } else {
                    clock.sleep(milliseconds: delay)  // anything else: back off, doubling up to 5 s
                    delay = min(delay * 2, 5_000)
                }
            }
        }
        try kernel.start()
    }

    /// The store went away mid-run: stop everything without writing (see `BotKernel.abandon`).
    public func abandon() { kernel.abandon() }

    /// Runs until `shouldStop` returns true, then stops every component cleanly.
    public func run(until shouldStop: () -> Bool) throws {
        try kernel.run(until: shouldStop)
        try kernel.stop()
    }
}
