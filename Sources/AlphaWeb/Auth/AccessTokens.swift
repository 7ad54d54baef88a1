import AlphaCore
import CJWT
import Glibc

/// What a user may do: `admin` sends commands and changes config, `viewer` only reads.
public enum Role: String, Sendable, CaseIterable {
    case admin, viewer
}

/// Short-lived HS256 access tokens. libjwt 1.10 (Debian 12) checks the signature and nothing
/// else (reference: swift-on-linux), so everything else is checked here: the algorithm must be
/// HS256, and `exp`, `nbf`, `iat`, `iss`, `aud`, `typ`, `sub` and `role` must be present and right.
public struct AccessTokens: Sendable {
    public struct Claims: Sendable, Equatable {
        public let subject: String
        public let role: Role
        public let issuedAt: Int64
        public let expiresAt: Int64
        /// `jti`: names this token, so signing out can revoke it before it expires. Tokens from
        /// other issuers may lack it; such a token cannot be signed out and lives until `exp`.
        public let tokenID: String?

        public init(subject: String, role: Role, issuedAt: Int64, expiresAt: Int64, tokenID: String? = nil) {
            self.subject = subject
            self.role = role
            self.issuedAt = issuedAt
            self.expiresAt = expiresAt
            self.tokenID = tokenID
        }
    }

    /// Why a token was refused. The API answers every one of them with the same 401, so a caller
    /// learns nothing about which check failed.
    public enum Rejection: Error, Sendable, Equatable {
        case malformedOrBadSignature
        case wrongAlgorithm
        case missingClaim(String)
        case expired
        case notYetValid
        case issuedInTheFuture
        case wrongIssuer
        case wrongAudience
        case wrongType
        case unknownRole
    }

    public struct SecretTooShort: Error, CustomStringConvertible {
        public let bytes: Int
        public var description: String { "the JWT secret must be at least 32 bytes (got \(bytes))" }
    }

    public static let issuer = "alphaengine"
    public static let audience = "alphaengine-api"
    public static let type = "access"
    private let secret: [UInt8]
    public let lifetimeSeconds: Int64
    /// Clock difference tolerated between machines for `nbf` and `iat`.
    public let leewaySeconds: Int64 = 30

    public init(secret: [UInt8], lifetimeSeconds: Int64 = 900) throws(SecretTooShort) {
        guard secret.count >= 32 else { throw SecretTooShort(bytes: secret.count) }
        self.secret = secret
        self.lifetimeSeconds = lifetimeSeconds
    }

    /// A token for `subject` with `role`, valid from `now` (seconds since the epoch, UTC), named
    /// by `tokenID` (random when not given).
    public func issue(subject: String, role: Role, now: Int64, tokenID: String = Identifier.random()) -> String {
        var token: OpaquePointer?
        guard jwt_new(&token) == 0, let token else { fatalError("jwt_new failed: out of memory") }
        defer { jwt_free(token) }
        precondition(jwt_set_alg(token, JWT_ALG_HS256, secret, Int32(secret.count)) == 0, "jwt_set_alg HS256 failed")
        jwt_add_grant(token, "iss", Self.issuer)
        jwt_add_grant(token, "aud", Self.audience)
        jwt_add_grant(token, "typ", Self.type)
        jwt_add_grant(token, "sub", subject)
        jwt_add_grant(token, "role", role.rawValue)
        jwt_add_grant(token, "jti", tokenID)
        jwt_add_grant_int(token, "iat", Int(now))
        jwt_add_grant_int(token, "nbf", Int(now))
        jwt_add_grant_int(token, "exp", Int(now + lifetimeSeconds))
        guard let encoded = jwt_encode_str(token) else { fatalError("jwt_encode_str failed: out of memory") }
        defer { free(encoded) }  // libjwt 1.10 has no jwt_free_str
        return String(cString: encoded)
    }

    /// The token's claims if it is genuine, HS256, current and meant for this API.
    public func verify(_ text: String, now: Int64) throws(Rejection) -> Claims {
        var decoded: OpaquePointer?
        guard jwt_decode(&decoded, text, secret, Int32(secret.count)) == 0, let token = decoded else { throw .malformedOrBadSignature }
        defer { jwt_free(token) }
        guard jwt_get_alg(token) == JWT_ALG_HS256 else { throw .wrongAlgorithm }
        let expires = try integer(token, "exp"), notBefore = try integer(token, "nbf"), issued = try integer(token, "iat")
        guard try string(token, "iss") == Self.issuer else { throw .wrongIssuer }
        guard try string(token, "aud") == Self.audience else { throw .wrongAudience }
        guard try string(token, "typ") == Self.type else { throw .wrongType }
        let subject = try string(token, "sub")
        guard let role = Role(rawValue: try string(token, "role")) else { throw .unknownRole }
        guard now < expires else { throw .expired }
        guard now + leewaySeconds >= notBefore else { throw .notYetValid }
        guard issued <= now + leewaySeconds else { throw .issuedInTheFuture }
        let tokenID = jwt_get_grant(token, "jti").map { String(cString: $0) }
        return Claims(subject: subject, role: role, issuedAt: issued, expiresAt: expires, tokenID: tokenID)
    }

    private func string(_ token: OpaquePointer, _ name: String) throws(Rejection) -> String {
        guard let value = jwt_get_grant(token, name) else { throw .missingClaim(name) }
        return String(cString: value)
    }

    /// libjwt answers 0 with errno ENOENT for a missing (or non-integer) claim.
    private func integer(_ token: OpaquePointer, _ name: String) throws(Rejection) -> Int64 {
        errno = 0
        let value = jwt_get_grant_int(token, name)
        guard errno == 0 else { throw .missingClaim(name) }
        return Int64(value)
    }
}
