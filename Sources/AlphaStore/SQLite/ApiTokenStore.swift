import AlphaCore

/// A read-only API token as stored: never the secret, only its hash.
public struct StoredApiToken: Sendable, Equatable {
    public let id: String
    public let name: String
    public let role: String
    /// SHA-256 of the token's secret part, hex. The secret is 32 random bytes, so a fast hash is
    /// enough (a slow KDF protects guessable passwords, not random keys).
    public let secretHash: String
    public let createdBy: String
    public let createdAt: Timestamp
    public let lastUsedAt: Timestamp?
    public let revokedAt: Timestamp?

    public init(id: String, name: String, role: String, secretHash: String, createdBy: String, createdAt: Timestamp,
                lastUsedAt: Timestamp? = nil, revokedAt: Timestamp? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.secretHash = secretHash
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }
}

/// `api_tokens`: revocable read-only tokens for third-party dashboards.
public final class ApiTokenStore {
    public let database: any SQLConnection

    public init(database: any SQLConnection) { self.database = database }

    static let columns = "id, name, role, secret_hash, created_by, created_at, last_used_at, revoked_at"

    public func add(_ token: StoredApiToken) throws {
        _ = try database.write {
            try database.run("INSERT INTO api_tokens (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)", [
                .text(token.id), .text(token.name), .text(token.role), .text(token.secretHash), .text(token.createdBy),
                .text(token.createdAt.iso8601),
            ])
        }
    }

    public func token(id: String) throws -> StoredApiToken? {
        try database.firstRow("SELECT \(Self.columns) FROM api_tokens WHERE id = ?", [.text(id)], Self.decode)
    }

    /// Every token, newest first, revoked ones included (an audit trail).
    public func all() throws -> [StoredApiToken] {
        try database.rows("SELECT \(Self.columns) FROM api_tokens ORDER BY created_at DESC, id", [], Self.decode)
    }

    /// Revokes a token; returns false when there is no such token. Revoking twice keeps the first time.
    public func revoke(id: String, now: Timestamp = .now()) throws -> Bool {
        try database.write {
            guard try token(id: id) != nil else { return false }
            _ = try database.run("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?", [.text(now.iso8601), .text(id)])
            return true
        }
    }

    public func markUsed(id: String, now: Timestamp = .now()) throws {
        _ = try database.write {
            try database.run("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", [.text(now.iso8601), .text(id)])
        }
    }

    static func decode(_ row: any SQLRow) throws -> StoredApiToken {
        StoredApiToken(id: row.text(0), name: row.text(1), role: row.text(2), secretHash: row.text(3), createdBy: row.text(4),
                       createdAt: Timestamp(iso8601: row.text(5)) ?? Timestamp(millisecondsSinceEpoch: 0),
                       lastUsedAt: row.optionalText(6).flatMap(Timestamp.init(iso8601:)),
                       revokedAt: row.optionalText(7).flatMap(Timestamp.init(iso8601:)))
    }
}
