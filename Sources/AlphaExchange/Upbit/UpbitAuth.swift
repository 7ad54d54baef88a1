import AlphaCrypto
import Foundation

/// Upbit's request authentication: `Authorization: Bearer <JWT>`, HS512, signed with the secret
/// key, carrying the access key, a nonce never used before and — when the request has parameters —
/// `query_hash`, the SHA-512 of its query string, with `query_hash_alg: "SHA512"`.
public struct UpbitCredentials: Sendable, CustomStringConvertible {
    public let accessKey: String
    private let secretKey: [UInt8]

    public init(accessKey: String, secretKey: String) {
        self.accessKey = accessKey
        self.secretKey = Array(secretKey.utf8)
    }

    /// Never the secret, and only the start of the access key: safe for a log line.
    public var description: String { "Upbit key \(accessKey.prefix(6))…" }

    /// The header value for a request whose parameters, as Upbit hashes them, are `query`
    /// (`UpbitQuery.string`; empty for a request without parameters).
    public func authorization(query: String, nonce: String = UUID().uuidString.lowercased()) -> String {
        var claims: [(name: String, value: JSONWebToken.Claim)] = [("access_key", .string(accessKey)), ("nonce", .string(nonce))]
        if !query.isEmpty {
            claims.append(("query_hash", .string(UpbitQuery.hash(query))))
            claims.append(("query_hash_alg", .string("SHA512")))
        }
        return "Bearer " + JSONWebToken.sign(claims, algorithm: .hs512, secret: secretKey)
    }
}

/// The query string Upbit hashes: `key=value` pairs joined by `&`, in the order they are sent,
/// not percent-encoded; a list is its key with `[]` once per element (`states[]=wait&states[]=done`).
/// A POST's JSON body is hashed in this form too, its members in the body's order.
public enum UpbitQuery {
    public static func string(_ parameters: [(String, String)]) -> String {
        parameters.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    public static func hash(_ query: String) -> String { SHA512.hex(Array(query.utf8)) }
}
