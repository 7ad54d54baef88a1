/// Why the client could not connect or lost the connection. Messages never include headers a
/// caller passed (they may carry keys).
public enum WebSocketClientError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidURL(String)
    case connect(String)
    case tls(String)
    case handshake(String)
    case timeout
    case connectionLost(String)
    case protocolViolation(WebSocketError)
    /// The session is closed; nothing more can be sent or received.
    case closed

    public var description: String {
        switch self {
        case .invalidURL(let reason): "invalid WebSocket URL: \(reason)"
        case .connect(let reason): "cannot connect: \(reason)"
        case .tls(let reason): reason
        case .handshake(let reason): "WebSocket handshake failed: \(reason)"
        case .timeout: "timed out"
        case .connectionLost(let reason): "connection lost: \(reason)"
        case .protocolViolation(let error): error.description
        case .closed: "the WebSocket is closed"
        }
    }
}
