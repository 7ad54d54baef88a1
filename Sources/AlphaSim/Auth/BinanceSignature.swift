import AlphaCrypto
import COpenSSL

/// Binance's request signature: lowercase hex HMAC-SHA256 of the total parameters with the API
/// secret (USDⓈ-M General Info, "SIGNED (TRADE and USER_DATA) Endpoint security").
public enum BinanceSignature {
    public static func hex(secret: String, message: some Collection<UInt8>) -> String {
        HMACSHA256.hex(key: Array(secret.utf8), message: Array(message))
    }

    /// Compares in constant time, ignoring case (the signature "is not case-sensitive").
    public static func matches(_ given: String, expected: String) -> Bool {
        let lhs = Array(given.lowercased().utf8)
        let rhs = Array(expected.utf8)
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { left in rhs.withUnsafeBytes { right in CRYPTO_memcmp(left.baseAddress, right.baseAddress, lhs.count) == 0 } }
    }
}
