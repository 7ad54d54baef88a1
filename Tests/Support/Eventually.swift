import Foundation

/// Waits until `condition` holds or `seconds` pass; returns whether it held. For conditions
/// another thread makes true, never as a performance assertion.
public func eventually(within seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}
