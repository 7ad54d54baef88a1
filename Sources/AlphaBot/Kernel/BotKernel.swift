import AlphaCore
import AlphaStore

/// The bot's loop, and nothing else (DESIGN §12): it owns the clock and the writer, and hands
/// each component the time and the events that were just committed. What the bot does lives in
/// its components; `BotAssembly` decides which ones run.
///
/// One thread runs everything here; the only wait is `WorkSignal.wait` after a turn in which no
/// component had work. A test or a backtest drives it with `turn()` on a `ManualClock`.
public final class BotKernel {
    public let clock: any Clock
    public let writer: any EventJournal
    public let wake: WorkSignal
    public private(set) var components: [any BotComponent] = []
    /// Committed events not yet handed to the components.
    private var committed: [Event] = []
    /// The longest the loop waits when idle (the change feed is polled at this period).
    public var idleWaitMilliseconds = 2

    public init(clock: any Clock, writer: any EventJournal, wake: WorkSignal = WorkSignal()) {
        self.clock = clock
        self.writer = writer
        self.wake = wake
        writer.clock = clock
        writer.didCommit = { [unowned self] events in committed.append(contentsOf: events) }
    }

    public func add(_ component: any BotComponent) {
        components.append(component)
    }

    public var time: KernelTime { KernelTime(now: clock.now, monotonic: clock.monotonicMilliseconds) }

    /// Boot: each component's `start`, in order.
    public func start() throws {
        for component in components {
            try component.start(time)
            try deliver()
        }
    }

    /// One turn: every component's `tick`, each followed by the delivery of what it committed.
    /// Returns whether any component did work.
    @discardableResult
    public func turn() throws -> Bool {
        var worked = false
        for component in components {
            if try component.tick(time) { worked = true }
            try deliver()
        }
        return worked
    }

    /// Turns until `shouldStop` says so (checked every turn), waiting for work only when idle.
    public func run(until shouldStop: () -> Bool) throws {
        while !shouldStop() {
            if try !turn() { wake.wait(milliseconds: idleWaitMilliseconds) }
        }
    }

    /// Shutdown: each component's `stop`, in reverse order.
    public func stop() throws {
        for component in components.reversed() {
            try component.stop(time)
            try deliver()
        }
    }

    /// After the store was lost: every component's `stop`, in reverse order, whatever fails (the
    /// streams close first; what they still held is read again from the exchange by the next boot).
    public func abandon() {
        for component in components.reversed() { try? component.stop(time) }
        committed = []
    }

    /// Hands committed events to every component; what they commit in turn is handed on too.
    private func deliver() throws {
        var rounds = 0
        while !committed.isEmpty {
            let batch = committed
            committed = []
            for component in components { try component.didAppend(batch, time) }
            rounds += 1
            // Components reacting to each other's events without end is a bug, not a load.
            precondition(rounds < 1_000, "components kept appending in reaction to each other")
        }
    }
}
