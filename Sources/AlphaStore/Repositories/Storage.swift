import AlphaCore

/// Where the engine's data lives. Each process opens its own connections from it: the bot one,
/// the web one per worker and one for its event tail. `SQLiteBackend` is the only backend today;
/// PostgreSQL for a fleet of accounts is another, with nothing above this seam changed.
public protocol StorageBackend: Sendable {
    /// The venue the stored account trades.
    var venue: VenueCapabilities { get }
    /// A new connection, used by one thread at a time. `lean` asks for a small cache (processes
    /// that run for months and read little), `bulk` for imports and rebuilds.
    func open(memory: Database.MemoryProfile) throws -> any Storage
}

/// One connection to the engine's data, with every repository over it. Writes made inside
/// `transaction` commit together or not at all; a repository called inside it joins it.
public protocol Storage: AnyObject {
    /// The venue this store's account trades (a database holds one venue's account).
    var venue: VenueCapabilities { get }
    var events: any EventLog { get }
    var commands: any CommandQueue { get }
    var projections: any ProjectionReader { get }
    var configs: any ConfigRepository { get }
    var heartbeats: any HeartbeatRepository { get }
    var marketData: any MarketDataRepository { get }
    var backtests: any BacktestRepository { get }
    var users: any UserRepository { get }
    var apiTokens: any APITokenRepository { get }
    var sessionRevocations: any SessionRevocationRepository { get }
    var notifications: any NotificationOutbox { get }

    func transaction<T>(_ body: () throws -> T) throws -> T
    /// Reads made inside see one consistent snapshot, whatever commits meanwhile.
    func snapshot<T>(_ body: () throws -> T) throws -> T
    /// Throws when the store does not answer (liveness checks).
    func ping() throws
    /// Undoes a transaction left open (a request that threw half-way), before the connection is
    /// lent again.
    func abandonTransaction()
    /// Tells this connection's owner when another process has committed.
    func changeFeed(pollMicroseconds: UInt32) -> any ChangeFeed
    /// The single writer of the event log and its projections (the bot's).
    func eventJournal(residentTerminalOrders: Int) throws -> any EventJournal
}

extension Storage {
    public func changeFeed() -> any ChangeFeed { changeFeed(pollMicroseconds: 250) }
    public func eventJournal() throws -> any EventJournal { try eventJournal(residentTerminalOrders: 2_000) }
}

/// The single writer of the event log (DESIGN §1): dedup → append → project, in one transaction,
/// with the projections kept in memory. `EventWriter` is SQLite's.
public protocol EventJournal: AnyObject {
    /// The projections as of the last committed append.
    var state: ProjectionState { get }
    /// Told after each commit the events it stored (with their seqs; duplicates left out).
    var didCommit: (([Event]) -> Void)? { get set }
    /// When set, every appended event is stamped with this clock's time.
    var clock: (any Clock)? { get set }
    /// Appends a batch in one transaction, then runs `alongside` in that same transaction (a
    /// repository write that must commit or fail with the events, such as a config update).
    func append(_ batch: [Event], alongside: (() throws -> Void)?) throws -> [AppendOutcome]
    /// Replays the whole log into fresh projections (RebuildProjection); returns the count.
    func rebuildProjections() throws -> Int64
}

extension EventJournal {
    @discardableResult
    public func append(_ event: Event) throws -> AppendOutcome { try append([event], alongside: nil)[0] }
    @discardableResult
    public func append(_ batch: [Event]) throws -> [AppendOutcome] { try append(batch, alongside: nil) }
}

/// The engine's data in one SQLite file in WAL mode, shared by the bot and the web.
public struct SQLiteBackend: StorageBackend {
    public let path: String
    public let venue: VenueCapabilities

    public init(path: String, venue: VenueCapabilities = .binanceUSDM) {
        self.path = path
        self.venue = venue
    }

    public func open(memory: Database.MemoryProfile = .lean) throws -> any Storage {
        SQLiteStorage(try Database(path: path, memory: memory), venue: venue)
    }
}

/// What both engines' storages hold: every repository over one SQL connection (the stores are
/// written once, see `SQLConnection`); only the command queue differs between them.
public class SQLStorage {
    public let venue: VenueCapabilities
    public let events: any EventLog
    public let commands: any CommandQueue
    public let projections: any ProjectionReader
    public let configs: any ConfigRepository
    public let heartbeats: any HeartbeatRepository
    public let marketData: any MarketDataRepository
    public let backtests: any BacktestRepository
    public let users: any UserRepository
    public let apiTokens: any APITokenRepository
    public let sessionRevocations: any SessionRevocationRepository
    public let notifications: any NotificationOutbox

    init(_ connection: any SQLConnection, commands: any CommandQueue, venue: VenueCapabilities) {
        self.venue = venue
        self.commands = commands
        events = EventStore(database: connection)
        projections = ProjectionStore(database: connection)
        configs = ConfigStore(database: connection, venue: venue)
        heartbeats = HeartbeatStore(database: connection)
        marketData = MarketDataStore(database: connection)
        backtests = BacktestStore(database: connection)
        users = UserStore(database: connection)
        apiTokens = ApiTokenStore(database: connection)
        sessionRevocations = SessionRevocations(database: connection)
        notifications = NotificationStore(database: connection)
    }
}

/// A `Storage` over one SQLite connection.
public final class SQLiteStorage: SQLStorage, Storage {
    public let database: Database

    public init(_ database: Database, venue: VenueCapabilities = .binanceUSDM) {
        self.database = database
        super.init(database, commands: CommandStore(database: database), venue: venue)
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T { try database.write(body) }
    public func snapshot<T>(_ body: () throws -> T) throws -> T { try database.read(body) }
    public func ping() throws { _ = try database.dataVersion() }

    public func abandonTransaction() {
        if database.isInTransaction { try? database.execute("ROLLBACK") }
    }

    /// Sleeps on inotify in the database file's directory (a commit writes the `-wal` beside it).
    public func changeFeed(pollMicroseconds: UInt32) -> any ChangeFeed {
        let path = database.path
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        return SQLiteChangeFeed(database: database, watching: directory, pollMicroseconds: pollMicroseconds)
    }

    public func eventJournal(residentTerminalOrders: Int) throws -> any EventJournal {
        try EventWriter(database: database, residentTerminalOrders: residentTerminalOrders)
    }
}
