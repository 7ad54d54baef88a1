/// A parsed `ws://` or `wss://` URL (RFC 6455 §3).
public struct WebSocketURL: Sendable, Equatable {
    public let secure: Bool
    public let host: String
    public let port: UInt16
    /// Path and query, at least "/".
    public let resource: String

    public init(_ text: String) throws(WebSocketClientError) {
        let rest: Substring
        if text.hasPrefix("wss://") {
            secure = true
            rest = text.dropFirst(6)
        } else if text.hasPrefix("ws://") {
            secure = false
            rest = text.dropFirst(5)
        } else {
            throw .invalidURL("scheme must be ws:// or wss://")
        }
        let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<slash]
        let path = rest[slash...]
        resource = path.isEmpty ? "/" : (path.first == "?" ? "/" + path : String(path))
        if rest.contains("#") { throw .invalidURL("fragments are not allowed (RFC 6455 §3)") }
        if authority.contains("@") { throw .invalidURL("user information is not supported") }
        var hostPart = authority
        var portNumber: UInt16 = secure ? 443 : 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidURL("unclosed IPv6 bracket") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                guard let port = UInt16(after.dropFirst()), port > 0 else { throw .invalidURL("bad port") }
                portNumber = port
            }
        } else if let colon = authority.lastIndex(of: ":") {
            guard let port = UInt16(authority[authority.index(after: colon)...]), port > 0 else { throw .invalidURL("bad port") }
            portNumber = port
            hostPart = authority[..<colon]
        }
        guard !hostPart.isEmpty else { throw .invalidURL("missing host") }
        host = String(hostPart)
        port = portNumber
    }

    /// The Host header value: the port only when it is not the scheme's default.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == (secure ? 443 : 80) ? name : "\(name):\(port)"
    }
}
