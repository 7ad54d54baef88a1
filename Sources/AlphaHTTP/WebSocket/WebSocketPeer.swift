import AlphaWebSocket

/// The server's handle on one WebSocket session. Safe from any thread: each call is carried
/// out on the connection's event loop.
public final class WebSocketPeer: @unchecked Sendable {
    // `session` is only dereferenced inside closures run on the loop's thread.
    private let loop: EventLoop
    private unowned(unsafe) let session: WebSocketSession
    private let closed: ClosedFlag

    init(loop: EventLoop, session: WebSocketSession, closed: ClosedFlag) {
        self.loop = loop
        self.session = session
        self.closed = closed
    }

    public func send(text: String) { enqueue(WebSocketFrame(opcode: .text, payload: Array(text.utf8))) }

    public func send(binary: [UInt8]) { enqueue(WebSocketFrame(opcode: .binary, payload: binary)) }

    /// Sends a ping; the client's pong is absorbed by the session.
    public func ping(_ payload: [UInt8] = []) { enqueue(WebSocketFrame(opcode: .ping, payload: payload)) }

    /// Starts the closing handshake (RFC 6455 §7.1.2).
    public func close(code: UInt16 = WebSocketCloseCode.normal, reason: String = "") {
        loop.post { [self, closed] in
            guard !closed.isSet else { return }
            session.sendClose(code: code, reason: reason)
            session.connection.flush()
        }
    }

    /// Ends the connection at once, without the closing handshake (the peer sees 1006).
    public func abort() {
        loop.post { [self, closed] in
            guard !closed.isSet else { return }
            session.connection.close()
        }
    }

    private func enqueue(_ frame: WebSocketFrame) {
        loop.post { [self, closed] in
            guard !closed.isSet else { return }
            session.send(frame)
            session.connection.flush()
        }
    }
}

/// Set when a session ends, so late sends from other threads become no-ops.
final class ClosedFlag: @unchecked Sendable {
    // Written and read only on the loop's thread.
    var isSet = false
}
