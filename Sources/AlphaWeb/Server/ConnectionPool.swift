import AlphaStore
import Foundation

/// Storage connections for the worker threads. A connection is used by one thread at a time
/// (SQLite's are opened NOMUTEX), so each request borrows one and gives it back.
final class ConnectionPool: @unchecked Sendable {
    // `idle` is only touched while holding `lock`.
    private let lock = NSLock()
    private var idle: [any Storage] = []
    private let backend: any StorageBackend

    init(backend: any StorageBackend) { self.backend = backend }

    func with<T>(_ body: (any Storage) throws -> T) throws -> T {
        let storage = try checkOut()
        defer { checkIn(storage) }
        return try body(storage)
    }

    private func checkOut() throws -> any Storage {
        lock.lock()
        if let storage = idle.popLast() {
            lock.unlock()
            return storage
        }
        lock.unlock()
        // The web never runs for hours in a transaction and reads little: a small cache.
        return try backend.open(memory: .lean)
    }

    private func checkIn(_ storage: any Storage) {
        storage.abandonTransaction()
        lock.lock()
        idle.append(storage)
        lock.unlock()
    }
}
