import AlphaWebSocket

/// What a handler returns to accept a WebSocket: the callbacks for the session. Build it with
/// `WebSocketUpgrade.reply(to:…)`, which checks the request first (RFC 6455 §4.2.1).
public struct WebSocketUpgrade: Sendable {
    /// Called on the event loop once the 101 response is queued.
    public var onOpen: @Sendable (WebSocketPeer) -> Void
    /// Called on the event loop for each text or binary message (pings are answered for you).
    public var onMessage: @Sendable (WebSocketPeer, WebSocketEvent) -> Void
    /// Called once when the session ends, with the close code (1006 when there was no close frame).
    public var onClose: @Sendable (WebSocketPeer, UInt16) -> Void
    let acceptValue: String

    /// Checks the opening handshake and returns either the upgrade or the error to send:
    /// 400 for a malformed handshake, 426 with `Sec-WebSocket-Version: 13` for another version.
    public static func reply(
        to request: HTTPRequest,
        onOpen: @escaping @Sendable (WebSocketPeer) -> Void = { _ in },
        onMessage: @escaping @Sendable (WebSocketPeer, WebSocketEvent) -> Void,
        onClose: @escaping @Sendable (WebSocketPeer, UInt16) -> Void = { _, _ in }
    ) -> HTTPReply {
        func refuse(_ message: String) -> HTTPReply {
            .response(.error(.badRequest, code: "bad_request", message: message))
        }
        guard request.method == "GET", request.version == .http11 else {
            return refuse("a WebSocket handshake is an HTTP/1.1 GET (RFC 6455 §4.2.1)")
        }
        guard request.headers.tokens("upgrade").contains("websocket") else {
            var response = HTTPResponse.error(HTTPStatus(426, "Upgrade Required"), code: "upgrade_required",
                                              message: "this endpoint speaks WebSocket only")
            response.setHeader("Upgrade", "websocket")
            return .response(response)
        }
        guard request.headers.tokens("connection").contains("upgrade") else {
            return refuse("Connection must include Upgrade (RFC 6455 §4.2.1)")
        }
        guard request.headers["sec-websocket-version"] == "13" else {
            var response = HTTPResponse.error(HTTPStatus(426, "Upgrade Required"), code: "upgrade_required",
                                              message: "only WebSocket version 13 is supported (RFC 6455 §4.4)")
            response.setHeader("Sec-WebSocket-Version", "13")
            return .response(response)
        }
        guard let key = request.headers["sec-websocket-key"], WebSocketHandshake.isValidClientKey(key) else {
            return refuse("Sec-WebSocket-Key must be base64 of 16 bytes (RFC 6455 §4.2.1)")
        }
        return .webSocket(WebSocketUpgrade(onOpen: onOpen, onMessage: onMessage, onClose: onClose,
                                           acceptValue: WebSocketHandshake.acceptValue(forKey: key)))
    }
}
