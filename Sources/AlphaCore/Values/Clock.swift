import Glibc
import Synchronization

/// Where the bot reads the time. Every read of time and every wait in the bot goes through one
/// clock: the system's in production, a `ManualClock` in tests and backtests, so a test or a
/// backtest drives the bot through hours in microseconds and nothing depends on the machine's speed.
public protocol Clock: AnyObject, Sendable {
    /// Wall time (UTC), for what is recorded: event times, heartbeats, exchange request times.
    var now: Timestamp { get }
    /// Milliseconds on a clock that never jumps, for deadlines and intervals.
    var monotonicMilliseconds: Int64 { get }
    /// Blocks for `milliseconds` (a manual clock moves forward instead). Only boot waits like
    /// this; the kernel's loop waits on its work signal, never here.
    func sleep(milliseconds: Int64)
}

/// The system clock: `CLOCK_REALTIME` for wall time and `CLOCK_MONOTONIC` for deadlines (the
/// same monotonic clock the exchange clients stamp their rate-limit deadlines with).
public final class SystemClock: Clock {
    public init() {}

    public var now: Timestamp { Timestamp.now() }

    public var monotonicMilliseconds: Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }

    public func sleep(milliseconds: Int64) {
        guard milliseconds > 0 else { return }
        usleep(UInt32(min(milliseconds, 4_000_000)) * 1000)
    }
}

/// A clock that moves only when told: wall and monotonic time advance together.
public final class ManualClock: Clock {
    private let state: Mutex<(wall: Int64, monotonic: Int64)>

    public init(start: Timestamp = Timestamp(millisecondsSinceEpoch: 1_780_000_000_000), monotonic: Int64 = 1_000_000) {
        state = Mutex((start.millisecondsSinceEpoch, monotonic))
    }

    public var now: Timestamp { Timestamp(millisecondsSinceEpoch: state.withLock { $0.wall }) }
    public var monotonicMilliseconds: Int64 { state.withLock { $0.monotonic } }

    public func advance(milliseconds: Int64) {
        precondition(milliseconds >= 0, "a clock does not go back")
        state.withLock { $0.wall += milliseconds; $0.monotonic += milliseconds }
    }

    /// Sleeping on a manual clock is moving it forward.
    public func sleep(milliseconds: Int64) { advance(milliseconds: max(0, milliseconds)) }
}
