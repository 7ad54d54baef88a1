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
    /// Access tokens already verified, by their text: a dashboard polling every second is not
    /// re-verified by libjwt each time. Entries are dropped at expiry and the map is bounded.
    private let verified = Mutex<[String: Principal]>([:])
    static let verifiedLimit = 10_000
    /// Signed-out token ids (`jti`) still unexpired: loaded from `revoked_sessions` at start and
    /// added to on every sign-out, which only this process performs.
    private let revoked = Mutex<Set<String>>([])

    /// Disabled users and sessions older than a password change, when the web runs on a store.
    private let cutoffs: SessionCutoffs?

    init(tokens: AccessTokens, revokedTokenIDs: Set<String> = [], cutoffs: SessionCutoffs? = nil) {
        self.tokens = tokens
        self.cutoffs = cutoffs
        revoked.withLock { $0 = revokedTokenIDs }
    }

    func authenticate(_ request: HTTPRequest, storage: any Storage, allowCookie: Bool,
                      now: Int64 = Timestamp.now().millisecondsSinceEpoch / 1000) throws(APIFailure) -> Principal {
        guard let presented = Self.presented(request, allowCookie: allowCookie) else { throw .unauthorized }
        if presented.hasPrefix(ApiTokenSecret.prefix) {
            do { return try apiToken(presented, storage: storage, now: now) } catch { throw .unauthorized }
        }
        return try accessToken(presented, now: now)
    }

    /// The caller of a request bearing an access token, checked without the database; nil for
    /// an API token, which needs it.
    func authenticateAccessToken(_ request: HTTPRequest, now: Int64 = Timestamp.now().millisecondsSinceEpoch / 1000)
        throws(APIFailure) -> Principal? {
        guard let presented = Self.presented(request, allowCookie: false) else { throw .unauthorized }
        if presented.hasPrefix(ApiTokenSecret.prefix) { return nil }
        return try accessToken(presented, now: now)
    }

    /// Signs a token out: refused from now on, here and (through the table) after a restart.
    func revoke(tokenID: String, expiresAt: Int64, storage: any Storage, now: Int64) throws {
        try storage.sessionRevocations.revoke(tokenID: tokenID, expiresAt: expiresAt, now: now)
        revoked.withLock { _ = $0.insert(tokenID) }
        verified.withLock { cache in cache = cache.filter { $0.value.tokenID != tokenID } }
    }

    private func accessToken(_ presented: String, now: Int64) throws(APIFailure) -> Principal {
        let principal = try verifiedAccessToken(presented, now: now)
        if let cutoffs, !cutoffs.allows(principal.name, issuedAt: principal.issuedAt) { throw .unauthorized }
        return principal
    }

    private func verifiedAccessToken(_ presented: String, now: Int64) throws(APIFailure) -> Principal {
        if let cached = verified.withLock({ $0[presented] }), let expires = cached.expiresAt, now < expires,
           !revoked.withLock({ $0.contains(cached.tokenID ?? "") }) {
            return cached
        }
        let claims: AccessTokens.Claims
        do { claims = try tokens.verify(presented, now: now) } catch { throw .unauthorized }
        if let id = claims.tokenID, revoked.withLock({ $0.contains(id) }) { throw .unauthorized }
        let principal = Principal(name: claims.subject, role: claims.role, kind: .user, expiresAt: claims.expiresAt, tokenID: claims.tokenID,
                                  issuedAt: claims.issuedAt)
        verified.withLock { cache in
            if cache.count >= Self.verifiedLimit { cache = cache.filter { ($0.value.expiresAt ?? 0) > now } }
            if cache.count >= Self.verifiedLimit { cache.removeAll() }
            cache[presented] = principal
        }
        return principal
    }

    private static func presented(_ request: HTTPRequest, allowCookie: Bool) -> String? {
        bearer(request) ?? (allowCookie ? cookie(request, named: sessionCookie) : nil)
    }

    private func apiToken(_ presented: String, storage: any Storage, now: Int64) throws -> Principal {
        guard let parsed = ApiTokenSecret(presented), let stored = try storage.apiTokens.token(id: parsed.id),
              stored.revokedAt == nil, ConstantTime.equal(parsed.secretHash.utf8, stored.secretHash.utf8)
        else { throw APIFailure.unauthorized }
        let record = lastRecordedUse.withLock { recorded -> Bool in
            guard now - (recorded[stored.id] ?? 0) >= 60 else { return false }
            recorded[stored.id] = now
            return true
        }
        if record { try? storage.apiTokens.markUsed(id: stored.id) }
        return Principal(name: "token:\(stored.name)", role: .viewer, kind: .apiToken, tokenID: stored.id)
    }

    /// The credentials of `Authorization: Bearer <credentials>`. Read byte by byte: this runs on
    /// every request, and Foundation's trimming goes through UTF-16.
    static func bearer(_ request: HTTPRequest) -> String? {
        guard let value = request.headers["authorization"] else { return nil }
        let bytes = value.utf8
        guard bytes.count > 7, bytes.prefix(7).map({ $0 | 0x20 }) == Array("bearer ".utf8) else { return nil }
        let token = bytes.dropFirst(7).drop { $0 == 0x20 || $0 == 0x09 }
        let end = token.lastIndex { $0 != 0x20 && $0 != 0x09 }
        guard let end else { return nil }
        return String(value[token.startIndex...end])
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
