import Glibc

/// Nanoseconds on CLOCK_MONOTONIC: deadlines and timeouts must not jump with the wall clock.
public enum MonotonicClock {
    public static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Milliseconds on CLOCK_MONOTONIC.
    public static func milliseconds() -> Int64 { Int64(now() / 1_000_000) }

    /// `now()` plus a duration in milliseconds.
    public static func deadline(afterMilliseconds milliseconds: Int) -> UInt64 {
        now() + UInt64(max(0, milliseconds)) * 1_000_000
    }
}
