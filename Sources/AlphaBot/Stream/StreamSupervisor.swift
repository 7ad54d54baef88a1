import AlphaCore
import AlphaExchange
import AlphaStore
import AlphaSystem
import Logging

/// The venue's stream, supervised (DESIGN §7): its facts are stored the moment they arrive
/// (copies already stored collide on their dedup keys), its connection changes are recorded as
/// events, and it is watched for loss — one of our orders acknowledged over REST that the stream
/// never mentions means it is dropping messages, and the reconciler fetches the fills at once.
public final class StreamSupervisor: BotComponent {
    public let name = "stream"
    private let venue: any ExchangeVenue
    private let writer: any EventJournal
    private let scheduler: ReconcileScheduler
    private let scope: Scope
    private let log: Logger
    private let inbox: SignalInbox<StreamSignal>
    private var stream: (any ExchangeStream)?
    private var up = false
    private var bootID = ""
    /// Connections made since boot, for the WebSocket state events.
    private var connections = 0
    private var connectionID = ""
    /// Our orders acknowledged over REST that the stream has not mentioned yet, with the
    /// (monotonic) time that silence becomes suspicious.
    private var awaiting: [String: Int64] = [:]
    private var unreadable = RepeatedFailureLog()
    /// How long after one of our orders is acknowledged its stream update may take.
    public var confirmMilliseconds: Int64 = 1_000

    public init(venue: any ExchangeVenue, writer: any EventJournal, scheduler: ReconcileScheduler, scope: Scope, wake: WorkSignal,
                log: Logger = Logger(label: "stream")) {
        self.venue = venue
        self.writer = writer
        self.scheduler = scheduler
        self.scope = scope
        self.log = log
        inbox = SignalInbox(wake: wake)
    }

    public func start(_ time: KernelTime) throws {
        bootID = writer.state.status.bootID ?? Identifier.random()
        let stream = venue.makeStream()
        self.stream = stream
        let inbox = self.inbox
        stream.start { signal in inbox.receive(signal) }
    }

    public func tick(_ time: KernelTime) throws -> Bool {
        var worked = try drain(time)
        // The stream is losing messages: fetch the fills now rather than at the next scheduled run.
        if awaiting.values.contains(where: { $0 <= time.monotonic }), venue.pacer.closure(now: time.monotonic) == nil {
            scheduler.request(.streamSilent)
            awaiting = awaiting.filter { $0.value > time.monotonic }
            worked = true
        }
        return worked
    }

    /// One of our orders answered over REST: the stream should mention it soon.
    public func didAppend(_ events: [Event], _ time: KernelTime) throws {
        for event in events where event.entityKind == .order && event.source == .rest && event.commandID != nil && event.type != .orderRejected {
            if case .string(let clientOrderID)? = event.payload["clientOrderId"] { awaiting[clientOrderID] = time.monotonic + confirmMilliseconds }
        }
    }

    public func stop(_ time: KernelTime) throws {
        stream?.stop()
        stream = nil
        _ = try drain(time)
    }

    private func drain(_ time: KernelTime) throws -> Bool {
        let signals = inbox.takeAll()
        for signal in signals {
            switch signal {
            case .facts(let events):
                // The stream is carrying our orders: every mention counts, a copy REST stored first too.
                for event in events where event.entityKind == .order {
                    if case .string(let clientOrderID)? = event.payload["clientOrderId"] { awaiting[clientOrderID] = nil }
                }
                if !events.isEmpty { try writer.append(events) }
            case .fundingSettled:
                scheduler.requestFunding()
            case .holdingsChanged:
                scheduler.request(.holdingsChanged)
            case .unreadable(let reason):
                // The reconciler fetches the same facts over REST.
                unreadable.failed("reading a stream message", StreamMessageError(reason: reason), log)
            case .connected(let label):
                connections += 1
                connectionID = "\(bootID):\(connections)"
                try record(connections == 1 ? .webSocketConnected : .webSocketReconnected,
                           StreamPayload(connectionID: connectionID, reason: label), time)
                if !up {
                    up = true
                    scheduler.streamUp = true
                    scheduler.request(.reconnect)  // anything missed while down
                }
            case .disconnected(let reason):
                if up {
                    try record(.webSocketDisconnected, StreamPayload(connectionID: connectionID, willReconnect: true, reason: reason), time)
                    log.warning("stream disconnected", metadata: ["reason": "\(reason)"])
                }
                up = false
                scheduler.streamUp = false
            }
        }
        return !signals.isEmpty
    }

    /// WebSocket state changes are facts too: the dashboard shows them, and gaps can be explained.
    private func record(_ type: EventType, _ payload: StreamPayload, _ time: KernelTime) throws {
        _ = try writer.append(Event(type: type, ts: time.now, source: .bot, entityKind: .stream, entityID: payload.connectionID, scope: scope,
                                    dedupKey: DedupKey.stream(connectionID: payload.connectionID, event: type), payload: payload.json))
    }
}

struct StreamMessageError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}
