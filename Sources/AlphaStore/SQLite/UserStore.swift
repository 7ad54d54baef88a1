import AlphaCore

/// A person who may sign in to the web process.
public struct StoredUser: Sendable, Equatable {
    public let name: String
    /// `admin` or `viewer`.
    public let role: String
    /// `PasswordHash` text: algorithm, cost, salt and hash; never the password.
    public let passwordHash: String
    public let createdAt: Timestamp
    /// Set while the user may not sign in.
    public var disabledAt: Timestamp? = nil
    /// Access tokens issued at or before this second (since the epoch) are refused: the last
    /// password change or disable.
    public var sessionsValidAfter: Int64 = 0
}

/// `users`: who may sign in, with a salted slow hash of their password.
public final class UserStore {
    public let database: any SQLConnection

    public init(database: any SQLConnection) { self.database = database }

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
            _ = try database.run("INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)", [.text(name), .text(role), .text(passwordHash), .text(now.iso8601)])
        }
    }

    private static let columns = "name, role, password_hash, created_at, disabled_at, sessions_valid_after"

    private static func read(_ row: any SQLRow) -> StoredUser {
        StoredUser(name: row.text(0), role: row.text(1), passwordHash: row.text(2),
                   createdAt: Timestamp(iso8601: row.text(3)) ?? Timestamp(millisecondsSinceEpoch: 0),
                   disabledAt: row.optionalText(4).flatMap { Timestamp(iso8601: $0) }, sessionsValidAfter: row.int64(5))
    }

    public func user(named name: String) throws -> StoredUser? {
        try database.firstRow("SELECT \(Self.columns) FROM users WHERE name = ?", [.text(name)], Self.read)
    }

    /// Every user, by name.
    public func all() throws -> [StoredUser] {
        try database.rows("SELECT \(Self.columns) FROM users ORDER BY name", [], Self.read)
    }

    /// A new password; every session signed in before it ends. False when there is no such user.
    public func setPassword(name: String, passwordHash: String, now: Timestamp = .now()) throws -> Bool {
        try database.write {
            try database.run("UPDATE users SET password_hash = ?, sessions_valid_after = ? WHERE name = ?", [.text(passwordHash), .integer(now.millisecondsSinceEpoch / 1000), .text(name)]) == 1
        }
    }

    /// Disables (ending every session at once) or enables a user. False when there is no such user.
    public func setDisabled(name: String, _ disabled: Bool, now: Timestamp = .now()) throws -> Bool {
        try database.write {
            if disabled {
                return try database.run("UPDATE users SET disabled_at = coalesce(disabled_at, ?), sessions_valid_after = ? WHERE name = ?", [.text(now.iso8601), .integer(now.millisecondsSinceEpoch / 1000), .text(name)]) == 1
            }
            return try database.run("UPDATE users SET disabled_at = NULL WHERE name = ?", [.text(name)]) == 1
        }
    }
}
