import AlphaCrypto

/// Checks Upbit's request tokens as Upbit does: `Authorization: Bearer <JWT>` signed (HS256 or
/// HS512; both are in use) with the secret of the access key it names, a nonce not seen before,
/// and, when the request has parameters, `query_hash` = SHA-512 of `UpbitParameters.hashedText`.
/// Each refusal is Upbit's own 401 (`jwt_verification`, `invalid_access_key`,
/// `invalid_query_payload`, `nonce_used`).
public struct UpbitAuthenticator: Sendable {
    /// Secret keys by access key.
    private let secrets: [String: [UInt8]]
    /// Nonces already used, per access key: the newest `nonceMemory` of them (a replay older than
    /// that passes; real Upbit's window is not documented, and memory here stays bounded).
    private var used: [String: NonceMemory] = [:]
    public let nonceMemory: Int

    public init(keys: [String: String], nonceMemory: Int = 65_536) {
        secrets = keys.mapValues { Array($0.utf8) }
        self.nonceMemory = nonceMemory
    }

    /// The access key of a request whose token passes every check; the nonce is spent only then,
    /// so a forged or mistaken request cannot use up someone's nonce.
    public mutating func authenticate(authorization: String?, parameters: UpbitParameters) throws(UpbitAPIError) -> String {
        guard let header = authorization, header.hasPrefix("Bearer "), case let text = String(header.dropFirst(7)), !text.isEmpty,
              let claims = JSONWebToken.unverified(text) else { throw .jwtVerification }
        guard let accessKey = claims.string("access_key"), let secret = secrets[accessKey] else { throw .invalidAccessKey }
        guard let token = JSONWebToken.verify(text, secret: secret), token.algorithm != nil else { throw .jwtVerification }
        guard let nonce = token.string("nonce"), !nonce.isEmpty else { throw .invalidQueryPayload }
        let hash = token.string("query_hash")
        if parameters.hashedText.isEmpty {
            guard hash == nil else { throw .invalidQueryPayload }
        } else {
            guard let hash, token.string("query_hash_alg") ?? "SHA512" == "SHA512",
                  hash.lowercased() == SHA512.hex(Array(parameters.hashedText.utf8)) else { throw .invalidQueryPayload }
        }
        guard used[accessKey, default: NonceMemory(capacity: nonceMemory)].insert(nonce) else { throw .nonceUsed }
        return accessKey
    }
}

/// The newest nonces seen, at most `capacity`, the oldest forgotten first.
struct NonceMemory: Sendable {
    let capacity: Int
    private var seen: Set<String> = []
    private var order: [String] = []
    private var oldest = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// False when `nonce` was seen already.
    mutating func insert(_ nonce: String) -> Bool {
        guard seen.insert(nonce).inserted else { return false }
        if order.count < capacity {
            order.append(nonce)
        } else {
            seen.remove(order[oldest])
            order[oldest] = nonce
            oldest = (oldest + 1) % capacity
        }
        return true
    }
}
