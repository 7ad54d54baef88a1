/// Who a request comes from, once its credentials are checked.
public struct Principal: Sendable, Equatable {
    public enum Kind: String, Sendable { case user, apiToken = "api_token" }

    /// The user's name, or `token:<name>` for an API token.
    public let name: String
    public let role: Role
    public let kind: Kind
    /// When the access token expires (seconds since the epoch); nil for API tokens.
    public let expiresAt: Int64?
    /// The access token's `jti` (for signing out) or the API token's id.
    public let tokenID: String?
    /// When the access token was issued — the login (seconds since the epoch); nil for API tokens.
    public let issuedAt: Int64?

    public init(name: String, role: Role, kind: Kind, expiresAt: Int64? = nil, tokenID: String? = nil, issuedAt: Int64? = nil) {
        self.issuedAt = issuedAt
        self.name = name
        self.role = role
        self.kind = kind
        self.expiresAt = expiresAt
        self.tokenID = tokenID
    }

    /// What an admin route asks: a signed-in admin. API tokens are read-only whatever they say.
    public var isAdmin: Bool { role == .admin && kind == .user }
}
