import Foundation

/// A blocking WebSocket client (RFC 6455) over TCP or TLS, for one thread at a time: the bot's
/// user-data stream reads on its own thread. Pings are answered inside `receive`.
public final class WebSocketClient {
    public struct Options: Sendable {
        public var connectTimeoutMilliseconds = 10_000
        /// Extra handshake headers (never logged).
        public var headers: [(String, String)] = []
        public var maxFrameBytes = 1 << 20
        public var maxMessageBytes = 4 << 20
        /// A PEM file of trusted roots instead of the system's (tests with their own CA).
        public var caFile: String?

        public init() {}
    }

    private let stream: any ByteStream
    private var frames = WebSocketFrameParser(role: .client)
    private var assembler: WebSocketMessageAssembler
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    private var sentClose = false
    public private(set) var isClosed = false

    /// Connects, completes the opening handshake and checks `Sec-WebSocket-Accept`.
    public init(url: String, options: Options = Options()) throws(WebSocketClientError) {
        let target = try WebSocketURL(url)
        let tcp = try TCPStream(host: target.host, port: target.port, timeoutMilliseconds: options.connectTimeoutMilliseconds)
        stream = target.secure
            ? try TLSStream(tcp: tcp, host: target.host, caFile: options.caFile, timeoutMilliseconds: options.connectTimeoutMilliseconds)
            : tcp
        frames = WebSocketFrameParser(role: .client, maxPayloadBytes: options.maxFrameBytes)
        assembler = WebSocketMessageAssembler(maxMessageBytes: options.maxMessageBytes)
        do throws(WebSocketClientError) {
            try handshake(target, options: options)
        } catch {
            stream.close()
            throw error
        }
    }

    deinit { stream.close() }

    private func handshake(_ target: WebSocketURL, options: Options) throws(WebSocketClientError) {
        let key = WebSocketHandshake.makeClientKey()
        var request = "GET \(target.resource) HTTP/1.1\r\nHost: \(target.hostHeader)\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in options.headers {
            guard !(name + value).contains(where: { $0 == "\r" || $0 == "\n" }) else {
                throw .handshake("header \(name) holds a line break")
            }
            request += "\(name): \(value)\r\n"
        }
        try stream.writeAll(Array((request + "\r\n").utf8))

        var head: [UInt8] = []
        let deadline = options.connectTimeoutMilliseconds
        while true {
            let count = try readSome(timeoutMilliseconds: deadline)
            guard count > 0 else { throw .handshake("connection closed before the response") }
            head.append(contentsOf: readBuffer[0..<count])
            if let end = Self.headEnd(head) {
                frames.append(head[end...])
                head = Array(head[..<end])
                break
            }
            guard head.count < 16 * 1024 else { throw .handshake("response head larger than 16 KiB") }
        }
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        guard let status = lines.first, status.hasPrefix("HTTP/1.1 101") else {
            throw .handshake("expected 101 Switching Protocols, got \(lines.first?.prefix(80) ?? "nothing")")
        }
        var fields: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard fields["upgrade"]?.lowercased() == "websocket",
              fields["connection"]?.lowercased().split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == "upgrade" }) == true
        else { throw .handshake("response lacks Upgrade: websocket and Connection: Upgrade (RFC 6455 §4.1)") }
        guard fields["sec-websocket-accept"] == WebSocketHandshake.acceptValue(forKey: key) else {
            throw .handshake("Sec-WebSocket-Accept does not match the key (RFC 6455 §4.1)")
        }
    }

    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 3..<bytes.count where bytes[index] == 0x0A && bytes[index - 1] == 0x0D && bytes[index - 2] == 0x0A && bytes[index - 3] == 0x0D {
            return index + 1
        }
        return nil
    }

    private func readSome(timeoutMilliseconds: Int) throws(WebSocketClientError) -> Int {
        let result = readBuffer.withUnsafeMutableBytes { buffer in
            Result { () throws(WebSocketClientError) -> Int in try stream.read(into: buffer, timeoutMilliseconds: timeoutMilliseconds) }
        }
        return try result.get()
    }

    public func send(text: String) throws(WebSocketClientError) {
        try send(WebSocketFrame(opcode: .text, payload: Array(text.utf8)))
    }

    public func send(binary: [UInt8]) throws(WebSocketClientError) {
        try send(WebSocketFrame(opcode: .binary, payload: binary))
    }

    public func ping(_ payload: [UInt8] = []) throws(WebSocketClientError) {
        try send(WebSocketFrame(opcode: .ping, payload: payload))
    }

    /// Sends any frame, masked with a fresh key as every client frame must be (RFC 6455 §5.3).
    public func send(_ frame: WebSocketFrame) throws(WebSocketClientError) {
        guard !isClosed, !sentClose else { throw .closed }
        try stream.writeAll(frame.encoded(maskingKey: WebSocketHandshake.maskingKey()))
    }

    /// The next message or control event; nil if nothing arrives within the timeout. Pings are
    /// answered with pongs and still returned. After `.close`, the session is over.
    public func receive(timeoutMilliseconds: Int) throws(WebSocketClientError) -> WebSocketEvent? {
        guard !isClosed else { throw .closed }
        while true {
            let event: WebSocketEvent?
            do throws(WebSocketError) {
                event = try nextEvent()
            } catch {
                try? sendClose(code: error.closeCode, reason: error.reason)
                finish()
                throw .protocolViolation(error)
            }
            if let event {
                try respond(to: event)
                return event
            }
            let count: Int
            do throws(WebSocketClientError) {
                count = try readSome(timeoutMilliseconds: timeoutMilliseconds)
            } catch .timeout {
                return nil
            }
            guard count > 0 else {
                finish()
                throw .connectionLost("the server closed the connection without a close frame")
            }
            frames.append(readBuffer[0..<count])
        }
    }

    /// The next event from frames already buffered; nil when more bytes are needed.
    private func nextEvent() throws(WebSocketError) -> WebSocketEvent? {
        while let frame = try frames.next() {
            if let event = try assembler.accept(frame) { return event }
        }
        return nil
    }

    private func respond(to event: WebSocketEvent) throws(WebSocketClientError) {
        switch event {
        case .ping(let payload):
            if !sentClose { try stream.writeAll(WebSocketFrame(opcode: .pong, payload: payload).encoded(maskingKey: WebSocketHandshake.maskingKey())) }
        case .close(let code, _):
            if !sentClose {
                try? sendClose(code: code == WebSocketCloseCode.noStatus ? WebSocketCloseCode.normal : code, reason: "")
            }
            finish()
        default:
            break
        }
    }

    /// The closing handshake: sends a close frame and waits briefly for the server's (RFC 6455 §7.1.2).
    public func close(code: UInt16 = WebSocketCloseCode.normal, reason: String = "", waitMilliseconds: Int = 1000) {
        guard !isClosed else { return }
        if !sentClose { try? sendClose(code: code, reason: reason) }
        while !isClosed {
            guard let event = try? receive(timeoutMilliseconds: waitMilliseconds) else { break }
            if case .close = event { break }
        }
        finish()
    }

    private func sendClose(code: UInt16, reason: String) throws(WebSocketClientError) {
        sentClose = true
        try stream.writeAll(WebSocketFrame.close(code: code, reason: reason).encoded(maskingKey: WebSocketHandshake.maskingKey()))
    }

    private func finish() {
        guard !isClosed else { return }
        isClosed = true
        stream.close()
    }
}
