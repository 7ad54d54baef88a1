import AlphaCrypto

/// The text of an API token: `aet_<id: 16 hex>_<secret: 64 hex>`. The id finds the row; the
/// secret is checked against its stored SHA-256. Only the holder ever sees the secret.
struct ApiTokenSecret: Sendable, Equatable {
    static let prefix = "aet_"
    let id: String
    let secret: String

    static func generate() -> ApiTokenSecret {
        ApiTokenSecret(id: Hex.encode(SecureRandom.bytes(8)), secret: Hex.encode(SecureRandom.bytes(32)))
    }

    init(id: String, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// Parses a presented token; nil for anything not shaped like one.
    init?(_ text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        let parts = text.dropFirst(Self.prefix.count).split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 16, parts[1].count == 64,
              Hex.decode(parts[0]) != nil, Hex.decode(parts[1]) != nil else { return nil }
        id = String(parts[0])
        secret = String(parts[1])
    }

    var text: String { "\(Self.prefix)\(id)_\(secret)" }
    var secretHash: String { SHA256Digest.hex(Array(secret.utf8)) }
}
