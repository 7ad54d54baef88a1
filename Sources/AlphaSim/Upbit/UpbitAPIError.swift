import AlphaJSON

/// An Upbit error answer: its HTTP status and `{"error":{"name":…,"message":…}}`, with the names
/// and messages Upbit uses (reference: the Upbit notes), so clients that branch on them work.
public struct UpbitAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    public let status: Int
    public let name: String
    public let message: String

    public init(_ status: Int, _ name: String, _ message: String) {
        self.status = status
        self.name = name
        self.message = message
    }

    public var json: JSONObject { ["error": .object(["name": .string(name), "message": .string(message)])] }
    public var description: String { "\(status) \(name): \(message)" }

    // Authentication (401).
    public static let jwtVerification = UpbitAPIError(401, "jwt_verification", "Jwt 토큰 검증에 실패했습니다.")
    public static let invalidQueryPayload = UpbitAPIError(401, "invalid_query_payload", "JWT 헤더의 페이로드가 올바르지 않습니다.")
    public static let invalidAccessKey = UpbitAPIError(401, "invalid_access_key", "잘못된 엑세스 키입니다.")
    public static let nonceUsed = UpbitAPIError(401, "nonce_used", "이미 요청한 nonce값이 다시 사용되었습니다.")

    /// A request that cannot be read (a body that is not a JSON object, a nested value).
    public static func validation(_ message: String) -> UpbitAPIError { UpbitAPIError(400, "validation_error", message) }
}
