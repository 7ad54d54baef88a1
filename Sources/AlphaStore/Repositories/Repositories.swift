import AlphaCore

// What the bot, the web and the CLI need from storage, one protocol per table family. The
// SQLite classes (`EventStore`, `CommandStore`, …) are today's implementations; a second backend
// (PostgreSQL for a fleet) implements the same protocols and its own `Storage`, and nothing that
// uses them changes. Times default to now for the callers that have no clock of their own.

/// The append-only event log, read side (appending is `EventJournal`'s).
public protocol EventLog: AnyObject {
    func event(id: String) throws -> Event?
    func event(seq: Int64) throws -> Event?
    func event(dedupKey: String) throws -> Event?
    func events(after seq: Int64, limit: Int) throws -> [Event]
    func events(matching filter: EventFilter, limit: Int) throws -> [Event]
    /// The newest event that matches, or nil.
    func latest(matching filter: EventFilter) throws -> Event?
    /// Every event after `seq`, oldest first, without holding them all in memory.
    func forEach(after seq: Int64, _ body: (Event) throws -> Void) throws
    /// Stored rows as they are, payload bytes untouched: what event pages and the stream send.
    func forEachRow(matching filter: EventFilter, limit: Int, _ body: (borrowing EventRow) throws -> Void) throws
    /// TradeExecuted events after `afterSeq`, for one symbol and between two fill times when given.
    func trades(symbol: String?, afterSeq: Int64, beforeSeq: Int64?, newestFirst: Bool, fromTime: Int64?, untilTime: Int64?,
                limit: Int) throws -> [Event]
    func lastSeq() throws -> Int64
    func count() throws -> Int64
    func counts(of types: Set<EventType>) throws -> [EventType: Int64]
}

extension EventLog {
    public func events(after seq: Int64) throws -> [Event] { try events(after: seq, limit: 1000) }
    public func events(matching filter: EventFilter) throws -> [Event] { try events(matching: filter, limit: 1000) }
    public func forEach(_ body: (Event) throws -> Void) throws { try forEach(after: 0, body) }
    public func trades(symbol: String?, afterSeq: Int64 = 0, limit: Int) throws -> [Event] {
        try trades(symbol: symbol, afterSeq: afterSeq, beforeSeq: nil, newestFirst: false, fromTime: nil, untilTime: nil, limit: limit)
    }
    public func trades(symbol: String?, fromTime: Int64?, untilTime: Int64?, limit: Int) throws -> [Event] {
        try trades(symbol: symbol, afterSeq: 0, beforeSeq: nil, newestFirst: false, fromTime: fromTime, untilTime: untilTime, limit: limit)
    }
}

/// Commands: inserted by the web (idempotently), claimed and settled by the bot.
public protocol CommandQueue: AnyObject {
    func insert(_ command: Command) throws -> CommandInsertOutcome
    /// The next NEW command by priority then age, marked SENT; nil when none waits.
    func claimNext(excluding: Set<CommandType>, now: Timestamp) throws -> Command?
    func acknowledge(_ id: String, result: JSONObject, now: Timestamp) throws -> Command
    func fail(_ id: String, error: String, result: JSONObject?, now: Timestamp) throws -> Command
    func command(id: String) throws -> Command?
    func command(idempotencyKey: String) throws -> Command?
    /// Newest first; `before` (a command's id) pages back: only commands queued before that one.
    func list(status: CommandStatus?, type: CommandType?, before: String?, limit: Int) throws -> [Command]
    /// Commands claimed (SENT) but not settled: what a restart must resolve.
    func inFlight() throws -> [Command]
    func countsByStatus() throws -> [CommandStatus: Int64]
}

extension CommandQueue {
    public func claimNext() throws -> Command? { try claimNext(excluding: [], now: .now()) }
    public func acknowledge(_ id: String, result: JSONObject = JSONObject()) throws -> Command {
        try acknowledge(id, result: result, now: .now())
    }
    public func fail(_ id: String, error: String, result: JSONObject? = nil) throws -> Command {
        try fail(id, error: error, result: result, now: .now())
    }
    public func fail(_ id: String, error: String, now: Timestamp) throws -> Command {
        try fail(id, error: error, result: nil, now: now)
    }
    public func list(status: CommandStatus? = nil, type: CommandType? = nil) throws -> [Command] {
        try list(status: status, type: type, before: nil, limit: 100)
    }
    public func list(status: CommandStatus?, type: CommandType?, limit: Int) throws -> [Command] {
        try list(status: status, type: type, before: nil, limit: limit)
    }
}

/// The projections as stored (the bot's `EventJournal` keeps them; everyone else reads them).
public protocol ProjectionReader: AnyObject {
    func order(clientOrderID: String) throws -> OrderPayload?
    func orders(_ filter: OrderListFilter, symbol: String?, after cursor: (time: Int64, id: String)?, limit: Int) throws -> [OrderPayload]
    /// Every projection; orders limited to the open ones and the latest `recentTerminalOrders`
    /// finished ones when given.
    func load(recentTerminalOrders: Int?) throws -> ProjectionState
    func positions() throws -> [PositionPayload]
    func balances() throws -> [BalancePayload]
    func status() throws -> EngineStatus?
    func pnlDays(from: String?, until: String?, asset: String?) throws -> [PnLDay]
    /// The seq the projections are up to.
    func checkpoint() throws -> Int64
}

extension ProjectionReader {
    public func load() throws -> ProjectionState { try load(recentTerminalOrders: nil) }
}

/// Versioned configuration values with optimistic concurrency.
public protocol ConfigRepository: AnyObject {
    func value(forKey key: String) throws -> VersionedConfig<JSONObject>?
    /// The runtime configuration: the stored one, or the defaults at version 0.
    func runtime() throws -> VersionedConfig<RuntimeConfig>
    /// Stores `config` as the next version if the current one is `expectedVersion`, joining the
    /// caller's transaction when there is one; returns the new version.
    func updateRuntime(_ config: RuntimeConfig, expectedVersion: Int64, by actor: String, now: Timestamp) throws -> Int64
}

extension ConfigRepository {
    @discardableResult
    public func updateRuntime(_ config: RuntimeConfig, expectedVersion: Int64, by actor: String) throws -> Int64 {
        try updateRuntime(config, expectedVersion: expectedVersion, by: actor, now: .now())
    }
}

/// Each process's latest heartbeat.
public protocol HeartbeatRepository: AnyObject {
    func beat(_ heartbeat: Heartbeat) throws
    func heartbeat(process: String) throws -> Heartbeat?
}

/// Market data: closed candles per symbol and timeframe, and the latest mark prices. Not events:
/// a candle is not a change of the account's state, and the event store stays for those.
public protocol MarketDataRepository: AnyObject {
    /// Stores closed candles (a candle already stored at the same open time is replaced) and keeps
    /// only the newest `keep` of the symbol and timeframe.
    func store(_ candles: [Candle], symbol: String, timeframe: Timeframe, keep: Int) throws
    /// Oldest first: from `from` (open time, inclusive) forward when given, else the newest `limit`
    /// up to `until` (open time, inclusive) or the last.
    func candles(symbol: String, timeframe: Timeframe, from: Int64?, until: Int64?, limit: Int) throws -> [Candle]
    func latestCandle(symbol: String, timeframe: Timeframe) throws -> Candle?
    func storeMark(_ mark: MarkPrice) throws
    func marks() throws -> [String: MarkPrice]
    /// Replaces the stored order filters with the exchange's list, read at `time`.
    func storeSymbolRules(_ rules: [SymbolRules], at time: Timestamp) throws
    func symbolRules() throws -> [StoredSymbolRules]
}

/// Backtests run by the bot (a `RunBacktest` command) or saved from the CLI, with their reports.
public protocol BacktestRepository: AnyObject {
    /// Records a run as RUNNING; false when one with that id exists already (a command seen twice).
    func start(_ run: BacktestRun) throws -> Bool
    /// Stores a RUNNING run's summary and its full report (JSON text) and marks it DONE.
    func finish(id: String, summary: JSONObject, report: String, now: Timestamp) throws
    func fail(id: String, error: String, now: Timestamp) throws
    /// Newest first, older than the run `before` names when given.
    func runs(before: String?, limit: Int) throws -> [BacktestRun]
    func run(id: String) throws -> BacktestRun?
    /// The full report of a DONE run, as stored.
    func report(id: String) throws -> String?
    /// Runs still RUNNING from a process that stopped (at boot): FAILED with `reason`; the count.
    func failRunning(reason: String, now: Timestamp) throws -> Int
}

/// The web's users.
public protocol UserRepository: AnyObject {
    func add(name: String, role: String, passwordHash: String, now: Timestamp) throws
    func user(named name: String) throws -> StoredUser?
    func all() throws -> [StoredUser]
    func setPassword(name: String, passwordHash: String, now: Timestamp) throws -> Bool
    func setDisabled(name: String, _ disabled: Bool, now: Timestamp) throws -> Bool
}

extension UserRepository {
    public func add(name: String, role: String, passwordHash: String) throws {
        try add(name: name, role: role, passwordHash: passwordHash, now: .now())
    }
}

/// Long-lived API tokens (only their hashes are stored).
public protocol APITokenRepository: AnyObject {
    func add(_ token: StoredApiToken) throws
    func token(id: String) throws -> StoredApiToken?
    func all() throws -> [StoredApiToken]
    func revoke(id: String, now: Timestamp) throws -> Bool
    func markUsed(id: String, now: Timestamp) throws
}

extension APITokenRepository {
    public func revoke(id: String) throws -> Bool { try revoke(id: id, now: .now()) }
    public func markUsed(id: String) throws { try markUsed(id: id, now: .now()) }
}

/// Access tokens signed out before they expire.
public protocol SessionRevocationRepository: AnyObject {
    func revoke(tokenID: String, expiresAt: Int64, now: Int64) throws
    func active(now: Int64) throws -> Set<String>
}

extension EventStore: EventLog {}
extension CommandStore: CommandQueue {}
extension ProjectionStore: ProjectionReader {}
extension ConfigStore: ConfigRepository {}
extension HeartbeatStore: HeartbeatRepository {}
extension MarketDataStore: MarketDataRepository {}
extension BacktestStore: BacktestRepository {}
extension UserStore: UserRepository {}
extension ApiTokenStore: APITokenRepository {}
extension SessionRevocations: SessionRevocationRepository {}

/// The notifier's outbox and its read positions (`NotificationStore` is SQLite's).
public protocol NotificationOutbox: AnyObject {
    /// How far the reader called `name` has got; nil when it never ran.
    func cursor(_ name: String) throws -> Int64?
    func setCursor(_ name: String, to position: Int64) throws
    /// Queues `items` (one per destination and dedup key, whatever is offered twice; an item whose
    /// topic was queued within `quietMilliseconds` is dropped) and moves `cursor` in the same
    /// transaction. Returns how many were queued.
    func enqueue(_ items: [OutboxItem], quietMilliseconds: Int64, advancing cursor: (name: String, position: Int64)?) throws -> Int
    /// The oldest undelivered item of a destination, and when it may next be tried: a destination's
    /// messages go out in order.
    func next(destination: String) throws -> (item: OutboxItem, dueAt: Int64)?
    func delivered(_ id: Int64, at time: Int64) throws
    /// Tried and failed; tried again at `time`.
    func retry(_ id: Int64, at time: Int64, error: String) throws
    /// Refused for good (a revoked webhook, a chat the bot may not write to).
    func failed(_ id: Int64, at time: Int64, error: String) throws
    func counts() throws -> [String: OutboxCounts]
    /// Every item of a destination, oldest first (what was queued and how it went).
    func items(destination: String) throws -> [OutboxItem]
}
