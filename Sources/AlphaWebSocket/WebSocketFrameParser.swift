/// Incremental frame decoder (RFC 6455 §5.2) for either end of a connection: a pure state
/// machine over bytes, like the HTTP parser.
public struct WebSocketFrameParser: Sendable {
    /// Which end this parser serves: a server requires masked frames, a client refuses them (§5.1).
    public enum Role: Sendable { case server, client }

    public let role: Role
    public let maxPayloadBytes: Int
    private var buffer: [UInt8] = []
    private var cursor = 0

    public init(role: Role, maxPayloadBytes: Int = 1 << 20) {
        self.role = role
        self.maxPayloadBytes = maxPayloadBytes
    }

    public mutating func append(_ bytes: some Sequence<UInt8>) { buffer.append(contentsOf: bytes) }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) { buffer.append(contentsOf: bytes) }

    /// The next whole frame; nil when more bytes are needed.
    public mutating func next() throws(WebSocketError) -> WebSocketFrame? {
        let available = buffer.count - cursor
        guard available >= 2 else { return nil }
        let first = buffer[cursor]
        let second = buffer[cursor + 1]
        guard first & 0x70 == 0 else {
            throw WebSocketError(WebSocketCloseCode.protocolError, "reserved bits set without a negotiated extension (RFC 6455 §5.2)")
        }
        guard let opcode = WebSocketOpcode(rawValue: first & 0x0F) else {
            throw WebSocketError(WebSocketCloseCode.protocolError, "reserved opcode \(first & 0x0F) (RFC 6455 §5.2)")
        }
        let fin = first & 0x80 != 0
        let masked = second & 0x80 != 0
        if role == .server && !masked {
            throw WebSocketError(WebSocketCloseCode.protocolError, "client frames must be masked (RFC 6455 §5.1)")
        }
        if role == .client && masked {
            throw WebSocketError(WebSocketCloseCode.protocolError, "server frames must not be masked (RFC 6455 §5.1)")
        }
        var length = Int(second & 0x7F)
        var headerLength = 2
        if length == 126 {
            guard available >= 4 else { return nil }
            length = Int(buffer[cursor + 2]) << 8 | Int(buffer[cursor + 3])
            headerLength = 4
            guard length >= 126 else {
                throw WebSocketError(WebSocketCloseCode.protocolError, "length not minimally encoded (RFC 6455 §5.2)")
            }
        } else if length == 127 {
            guard available >= 10 else { return nil }
            var value: UInt64 = 0
            for index in 2..<10 { value = value << 8 | UInt64(buffer[cursor + index]) }
            guard value >> 63 == 0 else {
                throw WebSocketError(WebSocketCloseCode.protocolError, "64-bit length with the top bit set (RFC 6455 §5.2)")
            }
            guard value > 0xFFFF else {
                throw WebSocketError(WebSocketCloseCode.protocolError, "length not minimally encoded (RFC 6455 §5.2)")
            }
            guard value <= UInt64(maxPayloadBytes) else {
                throw WebSocketError(WebSocketCloseCode.messageTooBig, "frame of \(value) bytes exceeds \(maxPayloadBytes)")
            }
            length = Int(value)
            headerLength = 10
        }
        if opcode.isControl && (length > 125 || !fin) {
            throw WebSocketError(WebSocketCloseCode.protocolError, "control frames must be whole and at most 125 bytes (RFC 6455 §5.5)")
        }
        if length > maxPayloadBytes {
            throw WebSocketError(WebSocketCloseCode.messageTooBig, "frame of \(length) bytes exceeds \(maxPayloadBytes)")
        }
        let maskLength = masked ? 4 : 0
        guard available >= headerLength + maskLength + length else { return nil }
        let payloadStart = cursor + headerLength + maskLength
        var payload = Array(buffer[payloadStart..<(payloadStart + length)])
        if masked {
            let key = buffer[(cursor + headerLength)..<(cursor + headerLength + 4)].map { $0 }
            for index in payload.indices { payload[index] ^= key[index & 3] }
        }
        cursor = payloadStart + length
        if cursor == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            cursor = 0
        } else if cursor > 64 * 1024 {
            buffer.removeFirst(cursor)
            cursor = 0
        }
        return WebSocketFrame(fin: fin, opcode: opcode, payload: payload)
    }
}
