/// A whole message or control event, after fragments are joined (RFC 6455 §5.4).
public enum WebSocketEvent: Sendable, Equatable {
    case text(String)
    case binary([UInt8])
    case ping([UInt8])
    case pong([UInt8])
    /// The peer's close frame: its code (1005 when it carried none) and reason.
    case close(code: UInt16, reason: String)
}

/// Joins fragmented data frames into messages, lets control frames through in between, checks
/// UTF-8 of text messages and close reasons, and bounds message size.
public struct WebSocketMessageAssembler: Sendable {
    public let maxMessageBytes: Int
    private var fragmentOpcode: WebSocketOpcode?
    private var fragments: [UInt8] = []

    public init(maxMessageBytes: Int = 4 << 20) { self.maxMessageBytes = maxMessageBytes }

    /// The event this frame completes, if any.
    public mutating func accept(_ frame: WebSocketFrame) throws(WebSocketError) -> WebSocketEvent? {
        switch frame.opcode {
        case .ping: return .ping(frame.payload)
        case .pong: return .pong(frame.payload)
        case .close: return try Self.closeEvent(frame.payload)
        case .text, .binary:
            guard fragmentOpcode == nil else {
                throw WebSocketError(WebSocketCloseCode.protocolError, "new message started inside a fragmented one (RFC 6455 §5.4)")
            }
            if frame.fin { return try Self.message(frame.opcode, frame.payload) }
            fragmentOpcode = frame.opcode
            fragments = frame.payload
            try checkSize()
            return nil
        case .continuation:
            guard let opcode = fragmentOpcode else {
                throw WebSocketError(WebSocketCloseCode.protocolError, "continuation frame with no message to continue (RFC 6455 §5.4)")
            }
            fragments.append(contentsOf: frame.payload)
            try checkSize()
            guard frame.fin else { return nil }
            fragmentOpcode = nil
            defer { fragments = [] }
            return try Self.message(opcode, fragments)
        }
    }

    private func checkSize() throws(WebSocketError) {
        if fragments.count > maxMessageBytes {
            throw WebSocketError(WebSocketCloseCode.messageTooBig, "message exceeds \(maxMessageBytes) bytes")
        }
    }

    private static func message(_ opcode: WebSocketOpcode, _ payload: [UInt8]) throws(WebSocketError) -> WebSocketEvent {
        guard opcode == .text else { return .binary(payload) }
        guard let text = String(validating: payload, as: UTF8.self) else {
            throw WebSocketError(WebSocketCloseCode.invalidPayload, "text message is not valid UTF-8 (RFC 6455 §8.1)")
        }
        return .text(text)
    }

    private static func closeEvent(_ payload: [UInt8]) throws(WebSocketError) -> WebSocketEvent {
        if payload.isEmpty { return .close(code: WebSocketCloseCode.noStatus, reason: "") }
        guard payload.count >= 2 else {
            throw WebSocketError(WebSocketCloseCode.protocolError, "close frame with a one-byte body (RFC 6455 §5.5.1)")
        }
        let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
        guard WebSocketCloseCode.isValidOnWire(code) else {
            throw WebSocketError(WebSocketCloseCode.protocolError, "close code \(code) may not be sent (RFC 6455 §7.4)")
        }
        guard let reason = String(validating: payload[2...], as: UTF8.self) else {
            throw WebSocketError(WebSocketCloseCode.invalidPayload, "close reason is not valid UTF-8 (RFC 6455 §5.5.1)")
        }
        return .close(code: code, reason: reason)
    }
}
