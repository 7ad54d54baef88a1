import AlphaCore
import AlphaStore
import AlphaSystem
import Synchronization

/// Who may no longer use the access tokens they hold: a disabled user, and anyone whose password
/// changed (or who was disabled) after their token was issued. Read from the users table at most
/// once a second, over a connection of its own, so a change made anywhere — `alphaengine user
/// disable` in another process — takes effect within a second, with no query on each request.
final class SessionCutoffs: Sendable {
    private struct Snapshot {
        /// Monotonic milliseconds of the last read; nil before the first.
        var loadedAt: Int64?
        /// Tokens issued at or before this second are refused, by user name.
        var validAfter: [String: Int64] = [:]
        var disabled: Set<String> = []
    }

    private let backend: any StorageBackend
    private let snapshot = Mutex(Snapshot())
    /// The connection that reads the table, opened on first use.
    private let connection = Mutex<(any Storage)?>(nil)
    static let refreshMilliseconds: Int64 = 1_000

    init(backend: any StorageBackend) { self.backend = backend }

    /// Whether `name`'s token issued at `issuedAt` (seconds since the epoch) may still be used.
    func allows(_ name: String, issuedAt: Int64?) -> Bool {
        refreshIfStale()
        return snapshot.withLock { current in
            !current.disabled.contains(name) && (issuedAt ?? 0) > (current.validAfter[name] ?? .min)
        }
    }

    private func refreshIfStale() {
        let now = Int64(MonotonicClock.now() / 1_000_000)
        let stale = snapshot.withLock { current in
            if let loadedAt = current.loadedAt, now - loadedAt < Self.refreshMilliseconds { return false }
            current.loadedAt = now  // one refresh at a time; the others use what is there
            return true
        }
        guard stale else { return }
        // On a read error the last snapshot stands: it was right a second ago.
        let users: [StoredUser]? = connection.withLock { storage in
            if storage == nil { storage = try? backend.open(memory: .lean) }
            return try? storage?.users.all()
        }
        guard let users else { return }
        snapshot.withLock { current in
            current.validAfter = Dictionary(users.map { ($0.name, $0.sessionsValidAfter) }, uniquingKeysWith: { $1 })
            current.disabled = Set(users.filter { $0.disabledAt != nil }.map(\.name))
        }
    }
}
