import COpenSSL

/// Passwords stored as PBKDF2-HMAC-SHA256 with a per-user random salt, through OpenSSL:
/// `pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>`. Verification recomputes with the stored
/// iterations and salt and compares in constant time, so raising the cost later keeps old
/// hashes valid.
public enum PasswordHash {
    /// OWASP's 2023 figure for PBKDF2-HMAC-SHA256.
    public static let defaultIterations = 600_000
    static let saltBytes = 16
    static let hashBytes = 32

    /// A new hash of `password` with a fresh random salt.
    public static func make(_ password: String, iterations: Int = defaultIterations) -> String {
        let salt = SecureRandom.bytes(saltBytes)
        let hash = derive(password, salt: salt, iterations: iterations)
        return "pbkdf2-sha256$\(iterations)$\(Hex.encode(salt))$\(Hex.encode(hash))"
    }

    /// Whether `password` matches `stored`; false for anything malformed.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let iterations = Int(parts[1]), iterations > 0,
              let salt = Hex.decode(parts[2]), let expected = Hex.decode(parts[3]), expected.count == hashBytes
        else { return false }
        let actual = derive(password, salt: salt, iterations: iterations)
        return CRYPTO_memcmp(actual, expected, hashBytes) == 0
    }

    static func derive(_ password: String, salt: [UInt8], iterations: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: hashBytes)
        let secret = Array(password.utf8)
        let status = secret.withUnsafeBufferPointer { passwordBytes in
            passwordBytes.withMemoryRebound(to: CChar.self) { characters in
                PKCS5_PBKDF2_HMAC(characters.baseAddress, Int32(secret.count), salt, Int32(salt.count), Int32(iterations),
                                  EVP_sha256(), Int32(hashBytes), &output)
            }
        }
        precondition(status == 1, "PKCS5_PBKDF2_HMAC failed")
        return output
    }
}
