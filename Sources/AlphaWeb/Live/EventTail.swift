import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaStore
import AlphaSystem
import Foundation
import Logging
import Synchronization

/// Follows the event log as the bot commits to it and publishes each new event to the SSE hub,
/// `id:` = seq, `event:` = type.
///
/// Noticing is the store's `ChangeFeed` (inotify on the database's directory, then a short burst
/// of `data_version` reads): only a change reads the log. Idle, it costs nothing; should a wake
/// be missed, it still looks every `idleCheckMilliseconds`.
final class EventTail: Sendable {
    let hub: EventStreamHub
    private let backend: any StorageBackend
    private let pollMicroseconds: UInt32
    static let idleCheckMilliseconds: Int32 = 50
    private let stopping = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)
    /// Bumped whenever another connection commits: the dashboard's cache key.
    let changes = Atomic<UInt64>(0)
    /// The last seq published.
    let publishedSeq = Atomic<Int64>(0)
    /// Milliseconds from the last published event's `ts` to its publication (the SSE lag).
    let lastLagMilliseconds = Atomic<Int64>(0)
    private let log = Logger(label: "event-tail")

    init(backend: any StorageBackend, hub: EventStreamHub, pollMicroseconds: UInt32) {
        self.backend = backend
        self.hub = hub
        self.pollMicroseconds = pollMicroseconds
    }

    /// Starts after the event currently last in the log; earlier ones are replayed per client.
    func start() throws {
        let storage = try backend.open(memory: .lean)
        let start = try storage.events.lastSeq()
        publishedSeq.store(start, ordering: .relaxed)
        // The hub never saw what came before: a client resuming from there replays the log.
        hub.retainsOnlyAfter(start)
        let box = StorageBox(storage)
        let thread = Thread { [self] in
            follow(box.storage)
            finished.signal()
        }
        thread.name = "alphaweb-event-tail"
        thread.start()
    }

    func stop() {
        stopping.store(true, ordering: .relaxed)
        finished.wait()
    }

    private func follow(_ storage: any Storage) {
        let events = storage.events
        let feed = storage.changeFeed(pollMicroseconds: pollMicroseconds)
        var failures = RepeatedFailureLog()
        while !stopping.load(ordering: .relaxed) {
            do {
                if try feed.hasChanged() {
                    changes.add(1, ordering: .relaxed)
                    do {
                        try publishNew(events)
                    } catch {
                        feed.forget()  // only once published: a failure is retried on the next turn
                        throw error
                    }
                }
            } catch {
                // The store is shared with the bot; a busy moment is retried on the next turn.
                // The same error is logged once (then with its count), not ten times a second.
                failures.failed("reading the event log", error, log)
                usleep(100_000)
                continue
            }
            failures.succeeded(log)
            feed.wait(milliseconds: Self.idleCheckMilliseconds)
        }
    }

    private func publishNew(_ events: any EventLog) throws {
        while true {
            var count = 0
            try events.forEachRow(matching: EventFilter(afterSeq: publishedSeq.load(ordering: .relaxed)), limit: 500) { row in
                let seq = row.seq
                hub.publish(Self.serverSentEvent(row), sequence: seq)
                publishedSeq.store(seq, ordering: .relaxed)
                if let recorded = Timestamp(iso8601: row.ts) {
                    lastLagMilliseconds.store(Timestamp.now().millisecondsSinceEpoch - recorded.millisecondsSinceEpoch, ordering: .relaxed)
                }
                count += 1
            }
            if count < 500 { return }
        }
    }

    /// The SSE frame of a stored event: `id:` its seq, `event:` its type, the Event JSON as data.
    static func serverSentEvent(_ row: borrowing EventRow) -> ServerSentEvent {
        var writer = JSONWriter(capacity: 1024)
        APIJSON.writeEvent(row, into: &writer)
        return ServerSentEvent(id: String(row.seq), event: row.type, data: writer.string)
    }
}

/// Hands a connection opened on one thread to the thread that will own it from then on.
private struct StorageBox: @unchecked Sendable {
    let storage: any Storage
    init(_ storage: any Storage) { self.storage = storage }
}
