import COpenSSL

/// SHA-512 as lowercase hex, through OpenSSL's one-shot `EVP_Digest` (Upbit's `query_hash`).
public enum SHA512 {
    public static func hex(_ message: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let done = message.withUnsafeBytes { bytes in EVP_Digest(bytes.baseAddress, bytes.count, &digest, &length, EVP_sha512(), nil) }
        precondition(done == 1, "EVP_Digest SHA-512 failed")
        return Hex.encode(digest.prefix(Int(length)))
    }
}
