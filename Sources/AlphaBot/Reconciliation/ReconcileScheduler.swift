import AlphaCore
import AlphaExchange
import AlphaStore
import AlphaSystem
import Logging

/// Decides when the reconciler runs (DESIGN §7): at boot, on a schedule (sooner with the stream
/// down, slower near the venue's rate limit), at once after a reconnect or when the stream
/// missed one of our orders, and on `RunReconcile`. A funding payment on the stream fetches the
/// income history. A run that fails is logged with its cause (once, then counted) and tried
/// again after the short interval; it never stops the loop.
public final class ReconcileScheduler: BotComponent, CommandHandler {
    public struct Settings: Sendable {
        /// How often the reconciler runs while the stream is up; with the stream down, sooner.
        public var intervalMilliseconds: Int64 = 30_000
        public var streamDownIntervalMilliseconds: Int64 = 2_000
        /// While the pacer says slow down, polling is this many times slower.
        public var slowPollingFactor: Int64 = 4
        public init() {}
    }

    public let name = "reconciler"
    public let reconciler: Reconciler
    private let funding: FundingCatchUp
    private let writer: any EventJournal
    private let commands: any CommandQueue
    private let pacer: any RequestPacer
    private var settings: Settings
    private let log: Logger
    private var lastRun: Int64?
    private var retryAt: Int64?
    private var requested: Reconciler.Trigger?
    private var fundingRequested = false
    private var failures = RepeatedFailureLog()
    /// Whether the stream is up (the stream supervisor says), which sets the interval.
    public var streamUp = false
    /// The period while the stream is up (the runtime config's `engine.poll_interval_sec`).
    public var intervalMilliseconds: Int64 {
        get { settings.intervalMilliseconds }
        set { settings.intervalMilliseconds = newValue }
    }
    /// Runs that failed since start, for metrics.
    public var failedRuns: Int { failures.total }

    public init(reconciler: Reconciler, funding: FundingCatchUp, writer: any EventJournal, commands: any CommandQueue, pacer: any RequestPacer,
                settings: Settings = Settings(), log: Logger = Logger(label: "reconciler")) {
        self.reconciler = reconciler
        self.funding = funding
        self.writer = writer
        self.commands = commands
        self.pacer = pacer
        self.settings = settings
        self.log = log
    }

    /// Asks for a run on the next tick (a reconnect, a silent stream).
    public func request(_ trigger: Reconciler.Trigger) {
        if requested == nil { requested = trigger }
    }

    /// Asks for the income history on the next tick (the stream saw a funding payment).
    public func requestFunding() { fundingRequested = true }

    public func start(_ time: KernelTime) throws {
        run(.boot, time)
    }

    public func tick(_ time: KernelTime) throws -> Bool {
        guard pacer.closure(now: time.monotonic) == nil else { return false }
        var worked = false
        if fundingRequested {
            fundingRequested = false
            worked = true
            do {
                _ = try funding.run(since: (writer.state.status.lastReconcileAt ?? 0) - Reconciler.overlapMilliseconds)
            } catch {
                failures.failed("funding catch-up", error, log)
            }
        }
        if let trigger = requested ?? due(time) {
            requested = nil
            run(trigger, time)
            worked = true
        }
        return worked
    }

    /// `RunReconcile`: a run now, its report in the command's result.
    public func handle(_ command: Command, _ time: KernelTime) throws -> Command {
        do {
            let report = try reconciler.run(trigger: .command)
            ran(time)
            return try commands.acknowledge(command.id, result: ["runId": .string(report.runID), "drifts": .int(Int64(report.drifts)),
                                                                 "newFacts": .int(Int64(report.newFacts))], now: time.now)
        } catch {
            failures.failed("reconcile (command)", error, log)
            return try commands.fail(command.id, error: "reconcile: \(error)", now: time.now)
        }
    }

    private func due(_ time: KernelTime) -> Reconciler.Trigger? {
        if let retryAt { return time.monotonic >= retryAt ? .schedule : nil }
        guard let lastRun else { return .schedule }
        var interval = streamUp ? settings.intervalMilliseconds : settings.streamDownIntervalMilliseconds
        if pacer.shouldSlowDown { interval *= settings.slowPollingFactor }
        return time.monotonic - lastRun >= interval ? .schedule : nil
    }

    private func run(_ trigger: Reconciler.Trigger, _ time: KernelTime) {
        do {
            _ = try reconciler.run(trigger: trigger)
            ran(time)
        } catch {
            // REST trouble or an answer we cannot read: said once, counted, tried again soon.
            failures.failed("reconcile (\(trigger.rawValue))", error, log)
            lastRun = time.monotonic
            retryAt = time.monotonic + settings.streamDownIntervalMilliseconds
        }
    }

    private func ran(_ time: KernelTime) {
        lastRun = time.monotonic
        retryAt = nil
        failures.succeeded(log)
    }
}
