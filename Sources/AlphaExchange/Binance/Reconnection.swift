import Foundation
import Synchronization

/// How a stream's thread waits between connection attempts: exponential backoff with full
/// jitter (so many clients do not reconnect in step), in slices short enough to notice a stop.
struct Reconnection {
    let baseMilliseconds: Int
    let maxMilliseconds: Int

    func delay(afterFailures failures: Int) -> Int {
        guard failures > 0 else { return 0 }
        let ceiling = min(maxMilliseconds, baseMilliseconds << min(failures - 1, 16))
        return Int.random(in: ceiling / 2...ceiling)
    }

    /// Sleeps `milliseconds`, returning early once `running` is false.
    func sleep(milliseconds: Int, while running: () -> Bool) {
        var left = milliseconds
        while left > 0 && running() {
            usleep(UInt32(min(left, 100)) * 1000)
            left -= 100
        }
    }
}
