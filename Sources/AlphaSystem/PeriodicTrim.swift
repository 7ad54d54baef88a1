/// Calls `ProcessMemory.releaseFreePages` at most once a period, from a loop that runs anyway
/// (the bot's heartbeat, the web's event tail).
public struct PeriodicTrim {
    public var periodMilliseconds: UInt64
    private var last: UInt64

    public init(periodMilliseconds: UInt64 = 60_000) {
        self.periodMilliseconds = periodMilliseconds
        last = MonotonicClock.now() / 1_000_000
    }

    public mutating func tick() {
        let now = MonotonicClock.now() / 1_000_000
        guard now - last >= periodMilliseconds else { return }
        last = now
        ProcessMemory.releaseFreePages()
    }
}
