import CJWT
import Glibc

/// HMAC-signed JSON Web Tokens over Debian's libjwt 1.10. It checks the signature and nothing
/// else (reference: swift-on-linux), so a caller checks the algorithm and every claim it relies on.
/// Shared by the web's access tokens and Upbit's request tokens (the adapter signs them, the
/// simulator checks them).
public enum JSONWebToken {
    public enum Algorithm: Sendable, Equatable {
        case hs256, hs384, hs512

        var library: jwt_alg_t {
            switch self {
            case .hs256: JWT_ALG_HS256
            case .hs384: JWT_ALG_HS384
            case .hs512: JWT_ALG_HS512
            }
        }
    }

    public enum Claim: Sendable, Equatable {
        case string(String)
        case integer(Int64)
    }

    /// A token with `claims` (in this order), signed with `secret`.
    public static func sign(_ claims: [(name: String, value: Claim)], algorithm: Algorithm, secret: [UInt8]) -> String {
        var created: OpaquePointer?
        guard jwt_new(&created) == 0, let token = created else { fatalError("jwt_new failed: out of memory") }
        defer { jwt_free(token) }
        precondition(!secret.isEmpty && jwt_set_alg(token, algorithm.library, secret, Int32(secret.count)) == 0, "jwt_set_alg failed")
        for (name, value) in claims {
            switch value {
            case .string(let text): jwt_add_grant(token, name, text)
            case .integer(let number): jwt_add_grant_int(token, name, Int(number))
            }
        }
        guard let encoded = jwt_encode_str(token) else { fatalError("jwt_encode_str failed: out of memory") }
        defer { free(encoded) }  // libjwt 1.10 has no jwt_free_str
        return String(cString: encoded)
    }

    /// A token read, its signature checked against a secret, or not checked at all (`unverified`).
    public final class Decoded {
        private let token: OpaquePointer

        fileprivate init(_ token: OpaquePointer) { self.token = token }
        deinit { jwt_free(token) }

        /// The header's algorithm, when it is an HMAC (never `none`).
        public var algorithm: Algorithm? {
            switch jwt_get_alg(token) {
            case JWT_ALG_HS256: .hs256
            case JWT_ALG_HS384: .hs384
            case JWT_ALG_HS512: .hs512
            default: nil
            }
        }

        public func string(_ name: String) -> String? { jwt_get_grant(token, name).map { String(cString: $0) } }

        /// libjwt answers 0 with errno ENOENT for a missing (or non-integer) claim.
        public func integer(_ name: String) -> Int64? {
            errno = 0
            let value = jwt_get_grant_int(token, name)
            return errno == 0 ? Int64(value) : nil
        }
    }

    /// The token if its signature is `secret`'s; nil when it is malformed or signed otherwise.
    public static func verify(_ text: String, secret: [UInt8]) -> Decoded? {
        guard !secret.isEmpty else { return nil }
        var decoded: OpaquePointer?
        guard jwt_decode(&decoded, text, secret, Int32(secret.count)) == 0, let token = decoded else { return nil }
        return Decoded(token)
    }

    /// The token read without checking its signature: only to learn which key to check it with.
    public static func unverified(_ text: String) -> Decoded? {
        var decoded: OpaquePointer?
        guard jwt_decode(&decoded, text, nil, 0) == 0, let token = decoded else { return nil }
        return Decoded(token)
    }
}
