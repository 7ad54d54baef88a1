import Synchronization

/// Fans events out to every subscribed event stream. `publish` may be called from any thread;
/// each event is encoded once, however many clients listen.
///
/// Events published with a sequence number are also kept in a ring of the latest `retained`, so a
/// client that replayed a log up to seq N and then subscribes "after N" receives, exactly once and
/// in order, whatever was published between its replay and its subscription. If that stretch has
/// already left the ring, the subscription is refused and the stream closed: the client
/// reconnects with `Last-Event-ID` and replays it from the log instead.
public final class EventStreamHub: Sendable {
    struct Retained {
        let sequence: Int64
        let name: String?
        let bytes: [UInt8]
    }

    struct State {
        var subscribers: [ObjectIdentifier: EventStreamSubscriber] = [:]
        var ring: [Retained] = []
        var ringStart = 0
        /// The highest sequence number that has left the ring (0 = none yet).
        var evictedThrough: Int64 = 0
        /// The encoded bytes the ring holds (it is bounded by count; this says what that costs).
        var ringBytes = 0
    }

    private let state = Mutex(State())
    private let retained: Int

    public init(retained: Int = 8192) { self.retained = max(1, retained) }

    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// The events kept for resuming clients, and their encoded size: memory that grows until the
    /// ring is full and then stays.
    public var retainedEvents: (count: Int, bytes: Int) { state.withLock { ($0.ring.count, $0.ringBytes) } }

    /// Declares that nothing up to `sequence` was ever published here (the publisher starts
    /// following a log at that point): a client behind it cannot resume from the ring and is
    /// sent back to the log instead.
    public func retainsOnlyAfter(_ sequence: Int64) {
        state.withLock { $0.evictedThrough = max($0.evictedThrough, sequence) }
    }

    /// Whether a client that has everything up to `sequence` can join without a gap.
    public func canResume(after sequence: Int64) -> Bool {
        state.withLock { sequence >= $0.evictedThrough }
    }

    /// Sends `event` to every subscriber whose filter takes it.
    public func publish(_ event: ServerSentEvent) {
        let bytes = event.encoded
        let targets = state.withLock { Array($0.subscribers.values) }
        for subscriber in targets { subscriber.offer(bytes, sequence: nil, name: event.event) }
    }

    /// Sends `event` and retains it under `sequence` (increasing from call to call) for
    /// subscribers that join just after replaying up to an earlier sequence.
    public func publish(_ event: ServerSentEvent, sequence: Int64) {
        let bytes = event.encoded
        let targets = state.withLock { state -> [EventStreamSubscriber] in
            let entry = Retained(sequence: sequence, name: event.event, bytes: bytes)
            state.ringBytes += bytes.count
            if state.ring.count < retained {
                state.ring.append(entry)
            } else {
                state.ringBytes -= state.ring[state.ringStart].bytes.count
                state.evictedThrough = state.ring[state.ringStart].sequence
                state.ring[state.ringStart] = entry
                state.ringStart = (state.ringStart + 1) % retained
            }
            return Array(state.subscribers.values)
        }
        for subscriber in targets { subscriber.offer(bytes, sequence: sequence, name: event.event) }
    }

    /// Registers `subscriber`. With `after`, first hands it every retained event past that
    /// sequence; returns false (and registers nothing) when some of those are no longer retained.
    func subscribe(_ subscriber: EventStreamSubscriber, after: Int64?) -> Bool {
        state.withLock { state in
            if let after {
                if after < state.evictedThrough { return false }
                for index in 0..<state.ring.count {
                    let entry = state.ring[(state.ringStart + index) % state.ring.count]
                    if entry.sequence > after { subscriber.offer(entry.bytes, sequence: entry.sequence, name: entry.name) }
                }
            }
            state.subscribers[ObjectIdentifier(subscriber)] = subscriber
            return true
        }
    }

    /// Ends every stream opened under `tag` (say, the id of credentials just revoked); their
    /// clients must authenticate again to reconnect.
    public func end(tag: String) {
        let tagged = state.withLock { $0.subscribers.values.filter { $0.tag == tag } }
        for subscriber in tagged { subscriber.end() }
    }

    func unsubscribe(_ subscriber: EventStreamSubscriber) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: ObjectIdentifier(subscriber)) }
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
    /// The last sequence number `initialEvents` covered: hub events up to it are skipped and
    /// retained ones after it are delivered first (see `EventStreamHub`).
    public var resumeAfter: Int64?
    /// Only hub events whose `event:` name is in the set are sent; nil sends everything.
    public var eventNames: Set<String>?
    /// The stream ends after this long (when the credentials that opened it expire).
    public var lifetimeMilliseconds: Int?
    /// A name for `EventStreamHub.end(tag:)`, such as the id of the credentials used.
    public var tag: String?

    public init(initialEvents: [ServerSentEvent] = [], hub: EventStreamHub?, retryMilliseconds: Int? = nil,
                headers: [(String, String)] = [], resumeAfter: Int64? = nil, eventNames: Set<String>? = nil) {
        self.initialEvents = initialEvents
        self.hub = hub
        self.retryMilliseconds = retryMilliseconds
        self.headers = headers
        self.resumeAfter = resumeAfter
        self.eventNames = eventNames
    }
}

/// One client's queue of encoded events, between the publishing thread and its event loop.
/// Bounded: a client that does not keep up is dropped rather than letting memory grow.
final class EventStreamSubscriber: Sendable {
    struct Queue {
        var pending: [[UInt8]] = []
        var overflowed = false
        var wakeScheduled = false
        /// The highest sequence queued: a sequence at or below it is a repeat and is skipped.
        var lastSequence: Int64
    }

    private let queue: Mutex<Queue>
    private let limit: Int
    private let names: Set<String>?
    let tag: String?
    /// Asks the owning loop to drain this queue soon (called at most once per drain).
    private let wake: @Sendable () -> Void

    init(limit: Int, after: Int64? = nil, names: Set<String>? = nil, tag: String? = nil, wake: @escaping @Sendable () -> Void) {
        self.limit = limit
        self.names = names
        self.tag = tag
        self.wake = wake
        queue = Mutex(Queue(lastSequence: after ?? Int64.min))
    }

    func offer(_ bytes: [UInt8], sequence: Int64?, name: String?) {
        if let names, !names.contains(name ?? "message") { return }
        let needsWake = queue.withLock { queue -> Bool in
            if queue.overflowed { return false }
            if let sequence {
                if sequence <= queue.lastSequence { return false }
                queue.lastSequence = sequence
            }
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

    /// Makes the owning connection close the stream at its next drain.
    func end() {
        let needsWake = queue.withLock { queue -> Bool in
            queue.overflowed = true
            queue.pending.removeAll()
            defer { queue.wakeScheduled = true }
            return !queue.wakeScheduled
        }
        if needsWake { wake() }
    }

    /// Everything queued, and whether the queue overflowed or was ended (the stream must then be closed).
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
