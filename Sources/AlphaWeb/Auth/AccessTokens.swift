import AlphaCore
import AlphaCrypto

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
    /// `aud` of a web serving one account; an account among several is `alphaengine-api:<name>`,
    /// so a token signed in to one account is refused by every other.
    public static let audience = "alphaengine-api"
    public let audience: String
    public static let type = "access"
    private let secret: [UInt8]
    public let lifetimeSeconds: Int64
    /// Clock difference tolerated between machines for `nbf` and `iat`.
    public let leewaySeconds: Int64 = 30

    public init(secret: [UInt8], lifetimeSeconds: Int64 = 900, account: String? = nil) throws(SecretTooShort) {
        guard secret.count >= 32 else { throw SecretTooShort(bytes: secret.count) }
        audience = account.map { "\(Self.audience):\($0)" } ?? Self.audience
        self.secret = secret
        self.lifetimeSeconds = lifetimeSeconds
    }

    /// A token for `subject` with `role`, valid from `now` (seconds since the epoch, UTC), named
    /// by `tokenID` (random when not given).
    public func issue(subject: String, role: Role, now: Int64, tokenID: String = Identifier.random()) -> String {
        JSONWebToken.sign([("iss", .string(Self.issuer)), ("aud", .string(audience)), ("typ", .string(Self.type)),
                           ("sub", .string(subject)), ("role", .string(role.rawValue)), ("jti", .string(tokenID)),
                           ("iat", .integer(now)), ("nbf", .integer(now)), ("exp", .integer(now + lifetimeSeconds))],
                          algorithm: .hs256, secret: secret)
    }

    /// The token's claims if it is genuine, HS256, current and meant for this API.
    public func verify(_ text: String, now: Int64) throws(Rejection) -> Claims {
        guard let token = JSONWebToken.verify(text, secret: secret) else { throw .malformedOrBadSignature }
        guard token.algorithm == .hs256 else { throw .wrongAlgorithm }
        func string(_ name: String) throws(Rejection) -> String {
            guard let value = token.string(name) else { throw .missingClaim(name) }
            return value
        }
        func integer(_ name: String) throws(Rejection) -> Int64 {
            guard let value = token.integer(name) else { throw .missingClaim(name) }
            return value
        }
        let expires = try integer("exp"), notBefore = try integer("nbf"), issued = try integer("iat")
        guard try string("iss") == Self.issuer else { throw .wrongIssuer }
        guard try string("aud") == audience else { throw .wrongAudience }
        guard try string("typ") == Self.type else { throw .wrongType }
        let subject = try string("sub")
        guard let role = Role(rawValue: try string("role")) else { throw .unknownRole }
        guard now < expires else { throw .expired }
        guard now + leewaySeconds >= notBefore else { throw .notYetValid }
        guard issued <= now + leewaySeconds else { throw .issuedInTheFuture }
        return Claims(subject: subject, role: role, issuedAt: issued, expiresAt: expires, tokenID: token.string("jti"))
    }
}
