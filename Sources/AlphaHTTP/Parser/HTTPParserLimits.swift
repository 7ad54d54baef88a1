/// Sizes past which a request is refused rather than buffered. Each has its own status so a
/// client learns what to change (RFC 9110 §15.5.14–15, RFC 6585 §5).
public struct HTTPParserLimits: Sendable {
    /// Request line, in bytes (414 URI Too Long).
    public var maxRequestLineBytes: Int
    /// All header field lines together, in bytes (431).
    public var maxHeaderBytes: Int
    /// Number of header fields (431).
    public var maxHeaderCount: Int
    /// Body after de-chunking, in bytes (413 Content Too Large).
    public var maxBodyBytes: Int

    public init(maxRequestLineBytes: Int = 8 * 1024, maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 64,
                maxBodyBytes: Int = 1 << 20) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}

/// Why a request was refused. The connection is always closed afterwards: once framing is in
/// doubt, nothing later on the connection can be trusted (RFC 9112 §11.2).
public struct HTTPParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public let status: HTTPStatus
    public let reason: String

    public init(_ status: HTTPStatus, _ reason: String) {
        self.status = status
        self.reason = reason
    }

    public var description: String { "\(status): \(reason)" }
}

/// What the parser produced from the bytes so far.
public enum HTTPParseResult: Sendable {
    /// More bytes are needed.
    case incomplete
    case request(HTTPRequest)
    case failure(HTTPParseError)
}
