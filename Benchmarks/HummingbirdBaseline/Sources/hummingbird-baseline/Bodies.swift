// The response bodies, built per request with a hand-written byte writer (see main.swift
// for why: it is the fair comparison with our server, which does the same).

import Hummingbird

enum Bodies {
    /// GET /json: {"message":"Hello, World!","status":"ok","time":1700000000000}
    static func json() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(64)
        buffer.writeStaticString(#"{"message":"Hello, World!","status":"ok","time":"#)
        buffer.writeDecimal(1_700_000_000_000)
        buffer.writeStaticString("}")
        return buffer
    }

    /// GET /list: 50 objects {"id":i,"symbol":"BTCUSDT","side":"BUY","price":"43250.10","quantity":"0.005"}
    static func list() -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(4096)
        buffer.writeStaticString("[")
        for id in 0..<50 {
            if id > 0 { buffer.writeStaticString(",") }
            buffer.writeStaticString(#"{"id":"#)
            buffer.writeDecimal(id)
            buffer.writeStaticString(#","symbol":"BTCUSDT","side":"BUY","price":"43250.10","quantity":"0.005"}"#)
        }
        buffer.writeStaticString("]")
        return buffer
    }

    /// 200 with Content-Type: application/json; Hummingbird adds Content-Length from the buffer.
    @inline(__always)
    static func response(_ body: ByteBuffer) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
    }
}

// MARK: The hand-written byte writer
extension ByteBuffer {
    /// Writes a non-negative integer in decimal, without going through String.
    @inline(__always)
    mutating func writeDecimal(_ value: Int) {
        if value < 10 {
            self.writeInteger(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch, on the stack
        var rest = value
        withUnsafeMutableBytes(of: &digits) { raw in
            var start = raw.count
            repeat {
                start -= 1
                raw[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                rest /= 10
            } while rest > 0
            self.writeBytes(UnsafeRawBufferPointer(rebasing: raw[start...]))
        }
    }
}
