import AlphaCrypto

/// Binance's request signature: lowercase hex HMAC-SHA256 of the total parameters with the API
/// secret (USDⓈ-M General Info, "SIGNED (TRADE and USER_DATA) Endpoint security").
public enum BinanceSignature {
    public static func hex(secret: String, message: some Collection<UInt8>) -> String {
        HMACSHA256.hex(key: Array(secret.utf8), message: Array(message))
    }

    /// Compares in constant time, ignoring case (the signature "is not case-sensitive").
    public static func matches(_ given: String, expected: String) -> Bool {
        ConstantTime.equal(given.lowercased().utf8, expected.utf8)
    }
}
