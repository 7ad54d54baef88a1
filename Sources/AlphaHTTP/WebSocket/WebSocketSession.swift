import AlphaWebSocket

/// The server end of one WebSocket connection: frames in, events to the handler, pongs and the
/// closing handshake handled here. Lives on the connection's event loop.
final class WebSocketSession {
    unowned let connection: Connection
    private let upgrade: WebSocketUpgrade
    private var frames: WebSocketFrameParser
    private var assembler: WebSocketMessageAssembler
    private let closed = ClosedFlag()
    private(set) var peer: WebSocketPeer!
    private var sentClose = false
    private var closeCode = WebSocketCloseCode.abnormal

    init(connection: Connection, upgrade: WebSocketUpgrade) {
        self.connection = connection
        self.upgrade = upgrade
        frames = WebSocketFrameParser(role: .server, maxPayloadBytes: connection.configuration.webSocketMaxFrameBytes)
        assembler = WebSocketMessageAssembler(maxMessageBytes: connection.configuration.webSocketMaxMessageBytes)
        peer = WebSocketPeer(loop: connection.loop, session: self, closed: closed)
    }

    func received(_ bytes: UnsafeRawBufferPointer) {
        guard !closed.isSet else { return }
        frames.append(bytes)
    }

    func process() {
        do throws(WebSocketError) {
            while let frame = try frames.next() {
                guard let event = try assembler.accept(frame) else { continue }
                switch event {
                case .ping(let payload):
                    send(WebSocketFrame(opcode: .pong, payload: payload))
                case .pong:
                    break
                case .close(let code, _):
                    closeCode = code
                    // Echo the code back (RFC 6455 §5.5.1), then close once it is written.
                    if !sentClose {
                        sentClose = true
                        let echo = code == WebSocketCloseCode.noStatus
                            ? WebSocketFrame(opcode: .close, payload: []) : .close(code: code)
                        connection.output.append(contentsOf: echo.encoded())
                    }
                    connection.closeAfterWrite = true
                    return
                case .text, .binary:
                    if !sentClose { upgrade.onMessage(peer, event) }
                }
            }
        } catch {
            closeCode = error.closeCode
            sendClose(code: error.closeCode, reason: error.reason)
            connection.closeAfterWrite = true
        }
    }

    func opened() { upgrade.onOpen(peer) }

    func send(_ frame: WebSocketFrame) {
        guard !sentClose else { return }
        connection.output.append(contentsOf: frame.encoded())
    }

    func sendClose(code: UInt16, reason: String) {
        guard !sentClose else { return }
        sentClose = true
        connection.output.append(contentsOf: WebSocketFrame.close(code: code, reason: reason).encoded())
        // Wait for the peer's close frame, but not forever: the lingering close bounds it.
        connection.closeAfterWrite = true
    }

    /// The connection is gone: tell the handler once.
    func ended() {
        guard !closed.isSet else { return }
        closed.isSet = true
        upgrade.onClose(peer, closeCode)
    }
}

extension Connection {
    func startWebSocket(_ upgrade: WebSocketUpgrade, request: HTTPRequest) {
        guard !loop.draining else {
            write(.error(.serviceUnavailable, code: "service_unavailable", message: "server shutting down"),
                  version: request.version, keepAlive: false, omitBody: false)
            return
        }
        output.append(contentsOf: ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: \(upgrade.acceptValue)\r\n\r\n").utf8)
        let session = WebSocketSession(connection: self, upgrade: upgrade)
        // Bytes the client pipelined after the handshake are its first frames.
        let leftover = parser.takeBufferedBytes()
        leftover.withUnsafeBytes { session.received($0) }
        setMode(.webSocket(session))
        session.opened()
    }
}
