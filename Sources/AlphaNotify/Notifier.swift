import AlphaCore
import AlphaJSON
import AlphaStore
import AlphaSystem
import Logging

/// Tells people what the engine did (issue 17): it follows the event log by seq, turns the events
/// worth a message into outbox rows (one per destination, in the same transaction as its cursor),
/// and sends them in order, rate-limited, retrying with backoff until each is delivered or refused.
///
/// It runs beside the bot's kernel, on its own thread and its own connection, so a webhook that
/// hangs holds up notifications and nothing else: the kernel never waits for it (DESIGN rule: the
/// writer never waits on the network). A restart loses nothing, since the outbox and the cursor
/// are in the database; what was queued is sent once. The one window left: a message the receiver
/// took just before a crash, not yet marked delivered, is sent again after the restart.
// Unchecked: built on the caller's thread, then used by the one thread `NotificationService` starts.
public final class Notifier: @unchecked Sendable {
    public struct Settings: Sendable {
        /// At most this many messages a minute to each destination.
        public var perMinute = 20
        /// The same topic (a drift, a risk rule) is reported again only after this long.
        public var quietMilliseconds: Int64 = 600_000
        /// Events older than this when first read (the notifier was off while they happened) are
        /// not reported: a switched-on notifier does not replay last month.
        public var staleMilliseconds: Int64 = 3_600_000
        /// Backoff after a failed attempt: doubling from `firstRetry` up to `maxRetry`.
        public var firstRetryMilliseconds: Int64 = 1_000
        public var maxRetryMilliseconds: Int64 = 300_000

        public init() {}

        public init(_ notifications: NotificationSettings) {
            perMinute = notifications.perMinute
            quietMilliseconds = notifications.quietSeconds * 1000
        }
    }

    static let eventsCursor = "events"
    static let dailyCursor = "daily_pnl"

    public let destinations: [NotificationDestination]
    private let storage: any Storage
    private let transport: any NotificationTransport
    private let clock: any Clock
    private let mode: String
    private let settings: Settings
    private let log: Logger
    /// Monotonic times of the sends in the last minute, per destination.
    private var recentSends: [String: [Int64]] = [:]
    private var failures = RepeatedFailureLog()

    /// `storage`: a connection of the notifier's own (it is used from the notifier's thread).
    public init(destinations: [NotificationDestination], storage: any Storage, transport: any NotificationTransport, clock: any Clock,
                mode: TradingMode, settings: Settings, log: Logger) {
        self.destinations = destinations
        self.storage = storage
        self.transport = transport
        self.clock = clock
        self.mode = mode.rawValue
        self.settings = settings
        self.log = log
    }

    /// On the first run ever, the log is followed from its current end and the daily summary
    /// from today. Called before the bot boots, so its own start is the first thing reported.
    public func prepare() throws {
        let outbox = storage.notifications
        if try outbox.cursor(Self.eventsCursor) == nil { try outbox.setCursor(Self.eventsCursor, to: try storage.events.lastSeq()) }
        if try outbox.cursor(Self.dailyCursor) == nil { try outbox.setCursor(Self.dailyCursor, to: Self.dayNumber(clock.now) - 1) }
    }

    /// One pass: new events queued, the day's summary queued when a UTC day has ended, and what
    /// is due sent. Returns whether it did anything.
    @discardableResult
    public func turn() throws -> Bool {
        var worked = try queueNewEvents()
        worked = try queueDailySummary() || worked
        for destination in destinations where try deliverNext(to: destination) { worked = true }
        return worked
    }

    /// Turns until `shouldStop`, sleeping on the database's change feed when idle (the bot's
    /// commits wake it at once). A failing store is logged and retried, never fatal to the bot.
    public func run(until shouldStop: () -> Bool) {
        let feed = storage.changeFeed()
        while !shouldStop() {
            do {
                _ = try feed.hasChanged()
                if try turn() { failures.succeeded(log); continue }
                failures.succeeded(log)
            } catch {
                failures.failed("notifier", error, log)
            }
            feed.wait(milliseconds: 250)
        }
    }

    // MARK: Queueing

    private func queueNewEvents() throws -> Bool {
        let outbox = storage.notifications
        let after = try outbox.cursor(Self.eventsCursor) ?? 0
        let batch = try storage.events.events(after: after, limit: 500)
        guard let last = batch.last?.seq else { return false }
        let now = clock.now.millisecondsSinceEpoch
        var items: [OutboxItem] = []
        for event in batch {
            guard let seq = event.seq, let outcome = NotificationRules.notification(for: event, mode: mode) else { continue }
            guard now - event.ts.millisecondsSinceEpoch <= settings.staleMilliseconds else { continue }
            for destination in destinations where destination.kinds.contains(outcome.message.kind) {
                items.append(OutboxItem(destination: destination.name, dedupKey: "event:\(seq)", kind: outcome.message.kind.rawValue,
                                        topic: outcome.topic, message: outcome.message.json.serialized,
                                        createdAt: event.ts.millisecondsSinceEpoch))
            }
        }
        _ = try outbox.enqueue(items, quietMilliseconds: settings.quietMilliseconds, advancing: (Self.eventsCursor, last))
        return true
    }

    /// After each UTC midnight, the day just ended (once: its dedup key is the day).
    private func queueDailySummary() throws -> Bool {
        let outbox = storage.notifications
        let yesterday = Self.dayNumber(clock.now) - 1
        guard let done = try outbox.cursor(Self.dailyCursor), done < yesterday else { return false }
        let day = Timestamp(millisecondsSinceEpoch: yesterday * Self.dayMilliseconds).utcDay
        let totals = try storage.projections.pnlDays(from: day, until: day, asset: nil).map { (asset: $0.asset, totals: $0.totals) }
        let message = NotificationRules.dailySummary(day: day, totals: totals, at: clock.now, mode: mode)
        let items = destinations.filter { $0.kinds.contains(.dailyPnL) }.map { destination in
            OutboxItem(destination: destination.name, dedupKey: "daily:\(day)", kind: NotificationKind.dailyPnL.rawValue,
                       message: message.json.serialized, createdAt: clock.now.millisecondsSinceEpoch)
        }
        _ = try outbox.enqueue(items, quietMilliseconds: 0, advancing: (Self.dailyCursor, yesterday))
        return true
    }

    static let dayMilliseconds: Int64 = 86_400_000

    static func dayNumber(_ time: Timestamp) -> Int64 { time.millisecondsSinceEpoch / dayMilliseconds }

    // MARK: Delivery

    /// Sends the destination's oldest waiting message when it is due and the minute's budget
    /// allows. Messages go out in order: one waiting for its retry holds back the ones after it.
    private func deliverNext(to destination: NotificationDestination) throws -> Bool {
        let monotonic = clock.monotonicMilliseconds
        var sends = recentSends[destination.name, default: []].filter { monotonic - $0 < 60_000 }
        defer { recentSends[destination.name] = sends }
        guard sends.count < settings.perMinute else { return false }
        let outbox = storage.notifications
        let now = clock.now.millisecondsSinceEpoch
        guard let (item, dueAt) = try outbox.next(destination: destination.name), dueAt <= now else { return false }
        let message: NotificationMessage
        do {
            message = try NotificationMessage(json: JSONParser.parseObject(item.message))
        } catch {
            try outbox.failed(item.id, at: now, error: "unreadable message: \(error)")
            return true
        }
        sends.append(monotonic)
        let outcome: NotificationDestination.Outcome
        do {
            let response = try transport.post(url: destination.url, body: destination.body(message),
                                              idempotencyKey: "\(destination.name):\(item.dedupKey)")
            outcome = NotificationDestination.outcome(status: response.status, headers: response.headers, body: response.body)
        } catch {
            outcome = .retry(afterMilliseconds: nil, reason: "\(error)")
        }
        let done = clock.now.millisecondsSinceEpoch
        switch outcome {
        case .delivered:
            try outbox.delivered(item.id, at: done)
            if item.attempts > 0 { log.notice("\(destination.name): delivered after \(item.attempts + 1) attempts", metadata: ["kind": "\(item.kind)"]) }
        case .retry(let after, let reason):
            let backoff = min(settings.firstRetryMilliseconds << min(item.attempts, 20), settings.maxRetryMilliseconds)
            try outbox.retry(item.id, at: done + max(after ?? 0, backoff), error: reason)
            log.warning("\(destination.name): not delivered, retrying", metadata: ["reason": "\(reason)", "attempt": "\(item.attempts + 1)",
                                                                                    "kind": "\(item.kind)"])
        case .refused(let reason):
            try outbox.failed(item.id, at: done, error: reason)
            log.error("\(destination.name): refused the message; it is dropped (check the notifications settings)",
                      metadata: ["reason": "\(reason)", "kind": "\(item.kind)"])
        }
        return true
    }
}
