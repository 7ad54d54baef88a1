import COpenSSL

/// HMAC-SHA256 as lowercase hex, through OpenSSL's one-shot `HMAC`.
public enum HMACSHA256 {
    public static func hex(key: [UInt8], message: [UInt8]) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = key.withUnsafeBytes { keyBytes in
            message.withUnsafeBufferPointer { bytes in
                HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(key.count), bytes.baseAddress, bytes.count, &digest, &length)
            }
        }
        return Hex.encode(digest.prefix(Int(length)))
    }
}
