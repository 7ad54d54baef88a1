/// `revoked_sessions`: access tokens signed out before they expire, by token id (`jti`). Rows
/// are dropped once the token would have expired anyway, so the table stays small.
public final class SessionRevocations {
    public let database: Database

    public init(database: Database) { self.database = database }

    public func revoke(tokenID: String, expiresAt: Int64, now: Int64) throws {
        _ = try database.write {
            try database.statement("DELETE FROM revoked_sessions WHERE expires_at <= ?").run([.integer(now)])
            return try database.statement("INSERT OR IGNORE INTO revoked_sessions (token_id, expires_at) VALUES (?, ?)")
                .run([.text(tokenID), .integer(expiresAt)])
        }
    }

    /// Token ids signed out and not yet expired.
    public func active(now: Int64) throws -> Set<String> {
        Set(try database.statement("SELECT token_id FROM revoked_sessions WHERE expires_at > ?").rows([.integer(now)]) { $0.text(0) })
    }
}
