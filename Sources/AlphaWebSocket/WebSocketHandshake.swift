import AlphaCrypto
import COpenSSL
import Foundation

/// The opening handshake's key arithmetic (RFC 6455 §4.1–4.2).
public enum WebSocketHandshake {
    static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// `Sec-WebSocket-Accept` for a client's `Sec-WebSocket-Key`: base64(SHA-1(key + GUID)).
    public static func acceptValue(forKey key: String) -> String {
        let input = Array((key + guid).utf8)
        var digest = [UInt8](repeating: 0, count: Int(SHA_DIGEST_LENGTH))
        input.withUnsafeBufferPointer { bytes in
            _ = SHA1(bytes.baseAddress, bytes.count, &digest)
        }
        return Data(digest).base64EncodedString()
    }

    /// A fresh client key: 16 random bytes, base64 (RFC 6455 §4.1).
    public static func makeClientKey() -> String {
        Data(SecureRandom.bytes(16)).base64EncodedString()
    }

    /// Whether a client's key is well formed: base64 of exactly 16 bytes (RFC 6455 §4.2.1).
    public static func isValidClientKey(_ key: String) -> Bool {
        Data(base64Encoded: key)?.count == 16
    }

    public static func maskingKey() -> (UInt8, UInt8, UInt8, UInt8) {
        let bytes = SecureRandom.bytes(4)  // RFC 6455 §5.3 wants masks unpredictable
        return (bytes[0], bytes[1], bytes[2], bytes[3])
    }
}
