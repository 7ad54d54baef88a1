import AlphaCore
import AlphaCrypto
import AlphaHTTP
import AlphaStore
import Foundation
import Synchronization

/// Turns a request's credentials into a `Principal`, or refuses it with one 401 for every cause.
///
/// Accepted: `Authorization: Bearer <access JWT>` (signed-out tokens refused), `Authorization:
/// Bearer aet_…` (an API token, always read-only, refused once revoked), and — only where the
/// route allows it, the event stream — the `ae_session` cookie login sets, since a browser's
/// EventSource cannot send headers and a long-lived token must not sit in a URL.
public final class Authenticator: Sendable {
    public static let sessionCookie = "ae_session"
    let tokens: AccessTokens
    /// API token ids → when their `last_used_at` was last written, so use is recorded about once
    /// a minute rather than as a write on every request.
    private let lastRecordedUse = Mutex<[String: Int64]>([:])

    public init(tokens: AccessTokens) { self.tokens = tokens }

    func authenticate(_ request: HTTPRequest, database: Database, allowCookie: Bool,
                      now: Int64 = Timestamp.now().millisecondsSinceEpoch / 1000) throws(APIFailure) -> Principal {
        guard let presented = Self.bearer(request) ?? (allowCookie ? Self.cookie(request, named: Self.sessionCookie) : nil) else {
            throw .unauthorized
        }
        do {
            if presented.hasPrefix(ApiTokenSecret.prefix) { return try apiToken(presented, database: database, now: now) }
            let claims = try tokens.verify(presented, now: now)
            if let id = claims.tokenID, try SessionRevocations(database: database).isRevoked(tokenID: id) { throw APIFailure.unauthorized }
            return Principal(name: claims.subject, role: claims.role, kind: .user, expiresAt: claims.expiresAt, tokenID: claims.tokenID)
        } catch {
            throw .unauthorized
        }
    }

    private func apiToken(_ presented: String, database: Database, now: Int64) throws -> Principal {
        guard let parsed = ApiTokenSecret(presented), let stored = try ApiTokenStore(database: database).token(id: parsed.id),
              stored.revokedAt == nil, SHA256Digest.constantTimeEqual(parsed.secretHash, stored.secretHash)
        else { throw APIFailure.unauthorized }
        let record = lastRecordedUse.withLock { recorded -> Bool in
            guard now - (recorded[stored.id] ?? 0) >= 60 else { return false }
            recorded[stored.id] = now
            return true
        }
        if record { try? ApiTokenStore(database: database).markUsed(id: stored.id) }
        return Principal(name: "token:\(stored.name)", role: .viewer, kind: .apiToken, tokenID: stored.id)
    }

    static func bearer(_ request: HTTPRequest) -> String? {
        guard let value = request.headers["authorization"] else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    static func cookie(_ request: HTTPRequest, named name: String) -> String? {
        guard let header = request.headers["cookie"] else { return nil }
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                return String(parts[1]).trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}
