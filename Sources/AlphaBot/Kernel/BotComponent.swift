import AlphaCore

/// The time as the kernel hands it to its components: both readings of its one clock.
public struct KernelTime: Sendable, Equatable {
    /// Wall time (UTC), for what is recorded.
    public var now: Timestamp
    /// Milliseconds that never jump, for deadlines and intervals.
    public var monotonic: Int64

    public init(now: Timestamp, monotonic: Int64) {
        self.now = now
        self.monotonic = monotonic
    }
}

/// A part of the bot the kernel drives (DESIGN §12): command dispatch, the stream, the
/// reconciler, the heartbeat, and next the strategy runner, the risk guard, the notifier. A
/// feature is a new component, not a new branch in the loop. Every method runs on the kernel's
/// one writer thread, so a component needs no locks; none may sleep.
public protocol BotComponent: AnyObject {
    /// For logs and errors.
    var name: String { get }
    /// Boot, in the order the components were added (resolve in-flight orders, record the
    /// engine's start, connect the stream, reconcile).
    func start(_ time: KernelTime) throws
    /// One turn of the loop. Returns whether it did any work: the kernel waits for work only
    /// after a turn in which no component did any.
    func tick(_ time: KernelTime) throws -> Bool
    /// The events just committed, by any component, in seq order.
    func didAppend(_ events: [Event], _ time: KernelTime) throws
    /// Shutdown, in the reverse order.
    func stop(_ time: KernelTime) throws
}

extension BotComponent {
    public func start(_ time: KernelTime) throws {}
    public func tick(_ time: KernelTime) throws -> Bool { false }
    public func didAppend(_ events: [Event], _ time: KernelTime) throws {}
    public func stop(_ time: KernelTime) throws {}
}
