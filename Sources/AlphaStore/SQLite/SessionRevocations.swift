/// `revoked_sessions`: access tokens signed out before they expire, by token id (`jti`). Rows
/// are dropped once the token would have expired anyway, so the table stays small.
public final class SessionRevocations {
    public let database: any SQLConnection

    public init(database: any SQLConnection) { self.database = database }

    public func revoke(tokenID: String, expiresAt: Int64, now: Int64) throws {
        _ = try database.write {
            try database.run("DELETE FROM revoked_sessions WHERE expires_at <= ?", [.integer(now)])
            return try database.run("INSERT INTO revoked_sessions (token_id, expires_at) VALUES (?, ?) ON CONFLICT DO NOTHING", [.text(tokenID), .integer(expiresAt)])
        }
    }

    /// Token ids signed out and not yet expired.
    public func active(now: Int64) throws -> Set<String> {
        Set(try database.rows("SELECT token_id FROM revoked_sessions WHERE expires_at > ?", [.integer(now)]) { $0.text(0) })
    }
}
