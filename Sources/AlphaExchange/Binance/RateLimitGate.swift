import AlphaCore
import AlphaSystem
import Synchronization

/// Request pacing for one account, shared by every REST client the bot uses (Binance counts
/// weight per IP, so the order thread and the stream's keepalives draw from one budget).
///
/// It reads `X-MBX-USED-WEIGHT-1M` from every answer and moves between levels at the seed's
/// thresholds: *warn* (logged), *slow* (the bot polls less often) and *stop* (no request until
/// the minute's budget resets). A 429 closes the gate for its `Retry-After`, a 418 until the
/// ban ends. While the gate is closed a client sends nothing: it fails at once with
/// `.rateLimited` or `.banned`, which is definitive (the request never left).
public final class RateLimitGate: Sendable {
    public struct Thresholds: Sendable, Equatable {
        public var warn: Int
        public var slow: Int
        public var stop: Int

        /// The seed's thresholds for Binance's 2,400 weight per minute.
        public static let binance = Thresholds(warn: 1500, slow: 2000, stop: 2300)

        public init(warn: Int, slow: Int, stop: Int) {
            self.warn = warn
            self.slow = slow
            self.stop = stop
        }
    }

    public enum Level: Int, Sendable, Comparable, CustomStringConvertible {
        case normal, warn, slow, stop

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue < rhs.rawValue }
        public var description: String { ["normal", "warn", "slow", "stop"][rawValue] }
    }

    /// Why the gate is closed, for the caller's error.
    public typealias Closure = PacerClosure

    private struct State {
        var usedWeight = 0
        var level = Level.normal
        /// Monotonic milliseconds until which nothing may be sent.
        var closedUntil: Int64 = 0
        var banned = false
    }

    public let thresholds: Thresholds
    private let state = Mutex(State())

    public init(thresholds: Thresholds = .binance) {
        self.thresholds = thresholds
    }

    public var level: Level { state.withLock { $0.level } }
    public var usedWeight: Int { state.withLock { $0.usedWeight } }

    /// Milliseconds until requests may be sent again; 0 when the gate is open.
    public func waitMilliseconds(now: Int64 = MonotonicClock.milliseconds()) -> Int64 {
        state.withLock { max(0, $0.closedUntil - now) }
    }

    /// Whether a request may leave now, and if not, why.
    public func closure(now: Int64 = MonotonicClock.milliseconds()) -> Closure? {
        state.withLock { state in
            guard state.closedUntil > now else { return nil }
            return state.banned ? .banned(untilMilliseconds: state.closedUntil) : .rateLimited(untilMilliseconds: state.closedUntil)
        }
    }

    /// Records the weight Binance reported. At the stop threshold the gate closes until the next
    /// minute of the exchange's clock, when Binance resets the count. Returns the new level when
    /// it changed, so the caller can say so.
    @discardableResult
    public func observe(usedWeight: Int, serverTimeMilliseconds: Int64, now: Int64 = MonotonicClock.milliseconds()) -> Level? {
        state.withLock { state in
            state.usedWeight = usedWeight
            let level: Level = usedWeight >= thresholds.stop ? .stop : usedWeight >= thresholds.slow ? .slow
                : usedWeight >= thresholds.warn ? .warn : .normal
            if level == .stop {
                let untilNextMinute = 60_000 - serverTimeMilliseconds % 60_000
                state.closedUntil = max(state.closedUntil, now + untilNextMinute)
            }
            guard level != state.level else { return nil }
            state.level = level
            return level
        }
    }

    /// A 429 (`banned: false`) or 418 (`banned: true`): nothing is sent for `seconds`.
    public func close(forSeconds seconds: Int, banned: Bool, now: Int64 = MonotonicClock.milliseconds()) {
        state.withLock { state in
            if state.closedUntil <= now { state.banned = false }
            state.closedUntil = max(state.closedUntil, now + Int64(max(seconds, 1)) * 1000)
            if banned { state.banned = true }
        }
    }
}

extension RateLimitGate: RequestPacer {
    public var shouldSlowDown: Bool { level >= .slow }

    /// Binance's figures: the weight used this minute and the level it puts the gate at.
    public var usage: JSONObject { ["usedWeight1m": .int(Int64(usedWeight)), "level": .string(level.description)] }
}
