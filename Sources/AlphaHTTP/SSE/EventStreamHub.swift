import Synchronization

/// Fans events out to every subscribed event stream. `publish` may be called from any thread;
/// each event is encoded once, however many clients listen.
public final class EventStreamHub: Sendable {
    private let subscribers = Mutex<[ObjectIdentifier: EventStreamSubscriber]>([:])

    public init() {}

    public var subscriberCount: Int { subscribers.withLock { $0.count } }

    public func publish(_ event: ServerSentEvent) {
        let bytes = event.encoded
        let targets = subscribers.withLock { Array($0.values) }
        for subscriber in targets { subscriber.offer(bytes) }
    }

    func subscribe(_ subscriber: EventStreamSubscriber) {
        subscribers.withLock { $0[ObjectIdentifier(subscriber)] = subscriber }
    }

    func unsubscribe(_ subscriber: EventStreamSubscriber) {
        _ = subscribers.withLock { $0.removeValue(forKey: ObjectIdentifier(subscriber)) }
    }
}

/// What a handler returns to open an event stream: events to send first (a replay after
/// `Last-Event-ID`, say) and the hub whose later events follow.
public struct EventStreamSource: Sendable {
    public var initialEvents: [ServerSentEvent]
    public var hub: EventStreamHub?
    /// Sent as `retry:` before anything else, when set.
    public var retryMilliseconds: Int?
    /// Extra response headers (never Content-Length or Connection).
    public var headers: [(String, String)]

    public init(initialEvents: [ServerSentEvent] = [], hub: EventStreamHub?, retryMilliseconds: Int? = nil,
                headers: [(String, String)] = []) {
        self.initialEvents = initialEvents
        self.hub = hub
        self.retryMilliseconds = retryMilliseconds
        self.headers = headers
    }
}

/// One client's queue of encoded events, between the publishing thread and its event loop.
/// Bounded: a client that does not keep up is dropped rather than letting memory grow.
final class EventStreamSubscriber: Sendable {
    struct Queue {
        var pending: [[UInt8]] = []
        var overflowed = false
        var wakeScheduled = false
    }

    private let queue = Mutex(Queue())
    private let limit: Int
    /// Asks the owning loop to drain this queue soon (called at most once per drain).
    private let wake: @Sendable () -> Void

    init(limit: Int, wake: @escaping @Sendable () -> Void) {
        self.limit = limit
        self.wake = wake
    }

    func offer(_ bytes: [UInt8]) {
        let needsWake = queue.withLock { queue -> Bool in
            if queue.overflowed { return false }
            if queue.pending.count >= limit {
                queue.overflowed = true
                queue.pending.removeAll()
            } else {
                queue.pending.append(bytes)
            }
            defer { queue.wakeScheduled = true }
            return !queue.wakeScheduled
        }
        if needsWake { wake() }
    }

    /// Everything queued, and whether the queue overflowed (the stream must then be closed).
    func drain() -> (events: [[UInt8]], overflowed: Bool) {
        queue.withLock { queue in
            defer {
                queue.pending.removeAll(keepingCapacity: true)
                queue.wakeScheduled = false
            }
            return (queue.pending, queue.overflowed)
        }
    }
}
