import AlphaStore
import Foundation

/// SQLite connections for the worker threads. A connection is used by one thread at a time
/// (they are opened NOMUTEX), so each request borrows one and gives it back.
final class ConnectionPool: @unchecked Sendable {
    // `idle` is only touched while holding `lock`.
    private let lock = NSLock()
    private var idle: [Database] = []
    private let path: String

    init(path: String) { self.path = path }

    func with<T>(_ body: (Database) throws -> T) throws -> T {
        let database = try checkOut()
        defer { checkIn(database) }
        return try body(database)
    }

    private func checkOut() throws -> Database {
        lock.lock()
        if let database = idle.popLast() {
            lock.unlock()
            return database
        }
        lock.unlock()
        // The web never runs for hours in a transaction and reads little: a small cache.
        return try Database(path: path, memory: .lean)
    }

    private func checkIn(_ database: Database) {
        if database.isInTransaction { try? database.execute("ROLLBACK") }
        lock.lock()
        idle.append(database)
        lock.unlock()
    }
}
