import AlphaCore

/// The engine's data in PostgreSQL (issue 19), for a fleet of accounts: the same stores as on
/// SQLite over a libpq connection, the command queue claimed with SKIP LOCKED, and a change feed
/// that sleeps on LISTEN. Chosen by `storage: postgresql://…` in the configuration.
public struct PostgresBackend: StorageBackend {
    /// A libpq URI; it may carry a password, so it is never logged or shown.
    public let url: String
    public let venue: VenueCapabilities
    /// The account in a database that holds several (its own schema); nil for one account.
    public let account: String?

    public init(url: String, venue: VenueCapabilities = .binanceUSDM, account: String? = nil) {
        self.url = url
        self.venue = venue
        self.account = account
    }

    /// Whether `text` names a PostgreSQL database rather than a file.
    public static func isURL(_ text: String) -> Bool { text.hasPrefix("postgresql://") || text.hasPrefix("postgres://") }

    /// A new connection with the schema brought up to date (`memory` is SQLite's concern).
    public func open(memory: Database.MemoryProfile = .lean) throws -> any Storage {
        let connection = try PostgresConnection(url: url, account: account)
        try PostgresSchema.migrate(connection)
        return try PostgresStorage(connection, url: url, venue: venue, account: account)
    }
}

/// A `Storage` over one PostgreSQL connection; commands are claimed with SKIP LOCKED.
public final class PostgresStorage: SQLStorage, Storage {
    public let connection: PostgresConnection
    private let url: String
    private let account: String?

    init(_ connection: PostgresConnection, url: String, venue: VenueCapabilities, account: String?) throws {
        self.connection = connection
        self.url = url
        self.account = account
        super.init(connection, commands: try PostgresCommandStore(connection: connection, migrating: false), venue: venue)
    }

    public func transaction<T>(_ body: () throws -> T) throws -> T { try connection.write(body) }
    public func snapshot<T>(_ body: () throws -> T) throws -> T { try connection.read(body) }
    public func ping() throws { try connection.execute("SELECT 1") }

    public func abandonTransaction() {
        if connection.isInTransaction { _ = try? connection.execute("ROLLBACK") }
    }

    /// LISTEN on the commands' and the events' channels, on a connection of the feed's own.
    public func changeFeed(pollMicroseconds: UInt32) -> any ChangeFeed {
        PostgresChangeFeed(url: url, account: account, channels: ["commands", "events"])
    }

    public func eventJournal(residentTerminalOrders: Int) throws -> any EventJournal {
        try EventWriter(database: connection, residentTerminalOrders: residentTerminalOrders)
    }
}
