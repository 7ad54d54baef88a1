import AlphaCore
import AlphaExchange
import AlphaStore
import AlphaSystem
import Glibc
import Logging

/// Tells the web the bot is alive, once a period, with the venue's request pacing figures. A
/// beat that cannot be written only makes the web report the bot as late; it is logged once.
public final class HeartbeatComponent: BotComponent {
    public let name = "heartbeat"
    private let store: any HeartbeatRepository
    private let pacer: any RequestPacer
    private let engine: EngineLifecycle
    private let log: Logger
    public var periodMilliseconds: Int64 = 1_000
    private var lastBeat: Int64?
    private var failures = RepeatedFailureLog()
    /// How many orders the projections keep in memory (open ones and the latest finished ones, bounded).
    public var residentOrders: () -> Int = { 0 }

    public init(store: any HeartbeatRepository, pacer: any RequestPacer, engine: EngineLifecycle, log: Logger = Logger(label: "heartbeat")) {
        self.store = store
        self.pacer = pacer
        self.engine = engine
        self.log = log
    }

    public func tick(_ time: KernelTime) throws -> Bool {
        if let lastBeat, time.monotonic - lastBeat < periodMilliseconds { return false }
        lastBeat = time.monotonic
        var details = pacer.usage
        // Memory for /metrics: SQLite's caches grow with the database up to their limit; the rest must not grow.
        if let resident = ProcessMemory.residentBytes() { details["residentBytes"] = .int(resident) }
        details["sqliteBytes"] = .int(SQLiteMemory.usedBytes)
        details["heapBytes"] = .int(ProcessMemory.heapInUseBytes())
        details["residentOrders"] = .int(Int64(residentOrders()))
        if let closure = pacer.closure(now: time.monotonic) {
            details["closedUntil"] = .string(time.now.adding(milliseconds: max(0, closure.until - time.monotonic)).iso8601)
        }
        do {
            try store.beat(Heartbeat(process: "bot", bootID: engine.bootID, pid: Int64(getpid()), beatAt: time.now, details: details))
            failures.succeeded(log)
        } catch {
            failures.failed("heartbeat", error, log)
        }
        return false  // a beat is not work that should keep the loop from waiting
    }
}
