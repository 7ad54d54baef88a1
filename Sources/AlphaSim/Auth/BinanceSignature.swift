import COpenSSL

/// Binance's request signature: lowercase hex HMAC-SHA256 of the total parameters with the API
/// secret (USDⓈ-M General Info, "SIGNED (TRADE and USER_DATA) Endpoint security").
public enum BinanceSignature {
    public static func hex(secret: String, message: some Collection<UInt8>) -> String {
        let key = Array(secret.utf8)
        let data = Array(message)
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = key.withUnsafeBytes { keyBytes in
            data.withUnsafeBufferPointer { dataBytes in
                HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(key.count), dataBytes.baseAddress, dataBytes.count, &digest, &length)
            }
        }
        let hexDigits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(Int(length) * 2)
        for byte in digest.prefix(Int(length)) {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Compares in constant time, ignoring case (the signature "is not case-sensitive").
    public static func matches(_ given: String, expected: String) -> Bool {
        let lhs = Array(given.lowercased().utf8)
        let rhs = Array(expected.utf8)
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { left in rhs.withUnsafeBytes { right in CRYPTO_memcmp(left.baseAddress, right.baseAddress, lhs.count) == 0 } }
    }
}
