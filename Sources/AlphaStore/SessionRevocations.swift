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

    public func isRevoked(tokenID: String) throws -> Bool {
        try database.statement("SELECT 1 FROM revoked_sessions WHERE token_id = ?").firstRow([.text(tokenID)]) { _ in true } ?? false
    }
}
