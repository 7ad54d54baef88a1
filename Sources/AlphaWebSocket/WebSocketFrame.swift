/// One frame (RFC 6455 §5.2), payload already unmasked.
public struct WebSocketFrame: Sendable, Equatable {
    public var fin: Bool
    public var opcode: WebSocketOpcode
    public var payload: [UInt8]

    public init(fin: Bool = true, opcode: WebSocketOpcode, payload: [UInt8]) {
        self.fin = fin
        self.opcode = opcode
        self.payload = payload
    }

    /// The frame's wire bytes. A client masks every frame with a fresh key; a server never
    /// masks (RFC 6455 §5.1, §5.3).
    public func encoded(maskingKey: (UInt8, UInt8, UInt8, UInt8)? = nil) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(payload.count + 14)
        output.append((fin ? 0x80 : 0) | opcode.rawValue)
        let maskBit: UInt8 = maskingKey == nil ? 0 : 0x80
        // The minimal length encoding is required (RFC 6455 §5.2).
        switch payload.count {
        case 0...125:
            output.append(maskBit | UInt8(payload.count))
        case 126...0xFFFF:
            output.append(maskBit | 126)
            output.append(UInt8(payload.count >> 8))
            output.append(UInt8(payload.count & 0xFF))
        default:
            output.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { output.append(UInt8((UInt64(payload.count) >> UInt64(shift)) & 0xFF)) }
        }
        guard let key = maskingKey else {
            output.append(contentsOf: payload)
            return output
        }
        let keyBytes = [key.0, key.1, key.2, key.3]
        output.append(contentsOf: keyBytes)
        for (index, byte) in payload.enumerated() { output.append(byte ^ keyBytes[index & 3]) }
        return output
    }

    /// A close frame's payload: the code, then a UTF-8 reason cut to fit 125 bytes (RFC 6455 §5.5.1).
    public static func close(code: UInt16, reason: String = "") -> WebSocketFrame {
        var payload = [UInt8(code >> 8), UInt8(code & 0xFF)]
        var reasonBytes = Array(reason.utf8.prefix(123))
        while String(validating: reasonBytes, as: UTF8.self) == nil { reasonBytes.removeLast() }
        payload.append(contentsOf: reasonBytes)
        return WebSocketFrame(opcode: .close, payload: payload)
    }
}
