import AlphaCore

/// A person who may sign in to the web process.
public struct StoredUser: Sendable, Equatable {
    public let name: String
    /// `admin` or `viewer`.
    public let role: String
    /// `PasswordHash` text: algorithm, cost, salt and hash; never the password.
    public let passwordHash: String
    public let createdAt: Timestamp
}

/// `users`: who may sign in, with a salted slow hash of their password.
public final class UserStore {
    public let database: Database

    public init(database: Database) { self.database = database }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case exists(String)
        case invalidName(String)

        public var description: String {
            switch self {
            case .exists(let name): "a user named \(name) exists already"
            case .invalidName(let name): "\"\(name)\" is not a valid user name: use 1–64 letters, digits, '.', '_' or '-'"
            }
        }
    }

    /// Adds a user; a name already taken is refused, never overwritten.
    public func add(name: String, role: String, passwordHash: String, now: Timestamp = .now()) throws {
        guard (1...64).contains(name.count), name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) })
        else { throw Failure.invalidName(name) }
        try database.write {
            guard try user(named: name) == nil else { throw Failure.exists(name) }
            _ = try database.statement("INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)")
                .run([.text(name), .text(role), .text(passwordHash), .text(now.iso8601)])
        }
    }

    public func user(named name: String) throws -> StoredUser? {
        try database.statement("SELECT name, role, password_hash, created_at FROM users WHERE name = ?").firstRow([.text(name)]) { row in
            StoredUser(name: row.text(0), role: row.text(1), passwordHash: row.text(2), createdAt: Timestamp(iso8601: row.text(3)) ?? Timestamp(millisecondsSinceEpoch: 0))
        }
    }
}
