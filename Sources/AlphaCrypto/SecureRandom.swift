import COpenSSL

/// Bytes from OpenSSL's CSPRNG, for salts, keys and token secrets.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&bytes, Int32(count)) == 1 else { fatalError("RAND_bytes failed: no randomness") }
        return bytes
    }
}

/// SHA-256 and a comparison that takes the same time wherever the inputs differ.
public enum SHA256Digest {
    public static func hex(_ bytes: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        precondition(SHA256(bytes, bytes.count, &digest) != nil, "SHA256 failed")
        return Hex.encode(digest)
    }

}

/// The one comparison of secrets (token hashes, request signatures): it takes the same time
/// wherever the inputs differ. A difference in length returns at once: lengths are not secret
/// here (digests and signatures have a fixed size).
public enum ConstantTime {
    public static func equal(_ left: some Collection<UInt8>, _ right: some Collection<UInt8>) -> Bool {
        let a = Array(left), b = Array(right)
        return a.count == b.count && CRYPTO_memcmp(a, b, a.count) == 0
    }
}
