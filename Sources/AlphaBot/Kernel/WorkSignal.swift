import Dispatch

/// Wakes the kernel's loop from another thread (the stream's) the moment there is work.
public final class WorkSignal: Sendable {
    private let arrived = DispatchSemaphore(value: 0)

    public init() {}

    public func signal() { arrived.signal() }

    /// Returns when signalled or after `milliseconds`: the loop's only wait.
    func wait(milliseconds: Int) {
        _ = arrived.wait(timeout: .now() + .milliseconds(milliseconds))
    }
}
