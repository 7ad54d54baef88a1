import AlphaCore
import AlphaStore
import Logging

/// Applies the runtime configuration (`config_store`, changed by `UpdateConfig`) to the running
/// bot: at boot, and whenever `ConfigChanged` is committed. The symbol is the one the bot
/// follows (plus any given on the command line), `engine.poll_interval_sec` the reconcile
/// period (unless a flag fixed it), `logging.level` every logger's level. The strategy and risk
/// fields are read from here by the strategy runner; `risk.guard_manual_orders` puts users' orders
/// under the same limits in the executor.
public final class RuntimeSettings: BotComponent {
    public let name = "config"
    private let configs: any ConfigRepository
    private let reconciler: Reconciler
    private let scheduler: ReconcileScheduler
    private let executor: OrderExecutor
    private let extraSymbols: [String]
    private let pollIntervalFixed: Bool
    private let log: Logger
    private let onLogLevel: (String) -> Void
    /// The venue traded: its symbols and its money.
    public let venue: VenueCapabilities
    public private(set) var current: RuntimeConfig

    public init(configs: any ConfigRepository, reconciler: Reconciler, scheduler: ReconcileScheduler, executor: OrderExecutor, extraSymbols: [String], pollIntervalFixed: Bool,
                venue: VenueCapabilities = .binanceUSDM, log: Logger, onLogLevel: @escaping (String) -> Void) {
        self.venue = venue
        current = RuntimeConfig(venue: venue)
        self.configs = configs
        self.reconciler = reconciler
        self.scheduler = scheduler
        self.executor = executor
        self.extraSymbols = extraSymbols
        self.pollIntervalFixed = pollIntervalFixed
        self.log = log
        self.onLogLevel = onLogLevel
    }

    /// The symbols the bot follows: the configured one first.
    public var symbols: [String] { [current.symbol] + extraSymbols.filter { $0 != current.symbol } }

    public func start(_ time: KernelTime) throws {
        apply(try configs.runtime().value)
    }

    public func didAppend(_ events: [Event], _ time: KernelTime) throws {
        guard let change = events.last(where: { $0.type == .configChanged }) else { return }
        do {
            let payload = try ConfigChangedPayload(json: change.payload)
            apply(try RuntimeConfig(json: payload.config, venue: venue))
            log.info("configuration applied", metadata: ["version": "\(payload.version)", "symbols": "\(symbols.joined(separator: ","))"])
        } catch {
            // Validated before it was stored, so this is a bug: said, and the bot keeps what it had.
            log.error("configuration change not applied: \(error)")
        }
    }

    private func apply(_ config: RuntimeConfig) {
        current = config
        reconciler.symbols = symbols
        if !pollIntervalFixed { scheduler.intervalMilliseconds = config.pollIntervalSeconds * 1000 }
        executor.manualOrderLimits = config.guardManualOrders ? RiskLimits(config, venue: venue) : nil
        onLogLevel(config.logLevel)
    }
}
