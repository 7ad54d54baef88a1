import AlphaWebSocket
import Testing

@Suite("WebSocket codec (RFC 6455)")
struct WebSocketCodecTests {
    func frames(_ bytes: [UInt8], role: WebSocketFrameParser.Role, max: Int = 1 << 20) throws(WebSocketError) -> [WebSocketFrame] {
        var parser = WebSocketFrameParser(role: role, maxPayloadBytes: max)
        parser.append(bytes)
        var result: [WebSocketFrame] = []
        while let frame = try parser.next() { result.append(frame) }
        return result
    }

    func closeCode(_ bytes: [UInt8], role: WebSocketFrameParser.Role = .server) -> UInt16? {
        do { _ = try frames(bytes, role: role) } catch { return error.closeCode }
        return nil
    }

    @Test("the handshake's accept value matches RFC 6455 §1.3's example")
    func acceptValue() {
        #expect(WebSocketHandshake.acceptValue(forKey: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(WebSocketHandshake.isValidClientKey(WebSocketHandshake.makeClientKey()))
        #expect(!WebSocketHandshake.isValidClientKey("c2hvcnQ="))
    }

    @Test("RFC 6455 §5.7 examples: unmasked and masked \"Hello\"")
    func rfcExamples() throws {
        let unmasked: [UInt8] = [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]
        let masked: [UInt8] = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]
        #expect(WebSocketFrame(opcode: .text, payload: Array("Hello".utf8)).encoded() == unmasked)
        #expect(WebSocketFrame(opcode: .text, payload: Array("Hello".utf8)).encoded(maskingKey: (0x37, 0xfa, 0x21, 0x3d)) == masked)
        #expect(try frames(unmasked, role: .client) == [WebSocketFrame(opcode: .text, payload: Array("Hello".utf8))])
        #expect(try frames(masked, role: .server) == [WebSocketFrame(opcode: .text, payload: Array("Hello".utf8))])
    }

    @Test("16- and 64-bit lengths round-trip, fed one byte at a time", arguments: [125, 126, 65535, 65536, 200_000])
    func lengths(count: Int) throws {
        let payload = (0..<count).map { UInt8(truncatingIfNeeded: $0) }
        let bytes = WebSocketFrame(opcode: .binary, payload: payload).encoded(maskingKey: (1, 2, 3, 4))
        var parser = WebSocketFrameParser(role: .server)
        var got: WebSocketFrame?
        for byte in bytes {
            parser.append([byte])
            if let frame = try parser.next() { got = frame }
        }
        #expect(got?.payload == payload)
    }

    @Test("masking: a server refuses unmasked frames, a client refuses masked ones (§5.1)")
    func maskingRules() {
        #expect(closeCode([0x81, 0x00], role: .server) == WebSocketCloseCode.protocolError)
        #expect(closeCode([0x81, 0x80, 1, 2, 3, 4], role: .client) == WebSocketCloseCode.protocolError)
    }

    @Test("reserved bits and opcodes, non-minimal lengths and the 64-bit top bit → 1002 (§5.2)")
    func framingRules() {
        #expect(closeCode([0xC1, 0x80, 0, 0, 0, 0]) == WebSocketCloseCode.protocolError)
        #expect(closeCode([0x83, 0x80, 0, 0, 0, 0]) == WebSocketCloseCode.protocolError)
        #expect(closeCode([0x8B, 0x80, 0, 0, 0, 0]) == WebSocketCloseCode.protocolError)
        #expect(closeCode([0x82, 0xFE, 0x00, 0x05, 0, 0, 0, 0]) == WebSocketCloseCode.protocolError)
        #expect(closeCode([0x82, 0xFF, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0, 0, 0, 0]) == WebSocketCloseCode.protocolError)
        #expect(closeCode([0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]) == WebSocketCloseCode.protocolError)
    }

    @Test("control frames over 125 bytes or fragmented → 1002 (§5.5)")
    func controlFrameRules() {
        let ping126 = WebSocketFrame(opcode: .ping, payload: Array(repeating: 0, count: 126)).encoded(maskingKey: (0, 0, 0, 0))
        #expect(closeCode(ping126) == WebSocketCloseCode.protocolError)
        #expect(closeCode([0x09, 0x80, 0, 0, 0, 0]) == WebSocketCloseCode.protocolError)
    }

    @Test("a frame over the size limit → 1009, before its payload arrives")
    func frameLimit() {
        var parser = WebSocketFrameParser(role: .server, maxPayloadBytes: 1000)
        parser.append([0x82, 0xFE, 0x03, 0xE9, 1, 2, 3, 4])
        #expect(throws: WebSocketError(WebSocketCloseCode.messageTooBig, "frame of 1001 bytes exceeds 1000")) { try parser.next() }
    }

    @Test("fragments join into one message with control frames between them (§5.4)")
    func fragmentation() throws {
        var assembler = WebSocketMessageAssembler()
        #expect(try assembler.accept(WebSocketFrame(fin: false, opcode: .text, payload: Array("frag".utf8))) == nil)
        #expect(try assembler.accept(WebSocketFrame(opcode: .ping, payload: [7])) == .ping([7]))
        #expect(try assembler.accept(WebSocketFrame(fin: false, opcode: .continuation, payload: Array("men".utf8))) == nil)
        #expect(try assembler.accept(WebSocketFrame(opcode: .continuation, payload: Array("ted".utf8))) == .text("fragmented"))
    }

    @Test("fragmentation errors: continuation with nothing to continue, a new message inside one → 1002")
    func fragmentationErrors() {
        var assembler = WebSocketMessageAssembler()
        #expect(throws: WebSocketError.self) { try assembler.accept(WebSocketFrame(opcode: .continuation, payload: [])) }
        var other = WebSocketMessageAssembler()
        _ = try? other.accept(WebSocketFrame(fin: false, opcode: .binary, payload: [1]))
        #expect(throws: WebSocketError.self) { try other.accept(WebSocketFrame(opcode: .text, payload: [])) }
    }

    @Test("text must be UTF-8, even when a code point is split across fragments (§8.1) → 1007")
    func utf8() throws {
        var assembler = WebSocketMessageAssembler()
        do {
            _ = try assembler.accept(WebSocketFrame(opcode: .text, payload: [0xC3, 0x28]))
            Issue.record("invalid UTF-8 accepted")
        } catch {
            #expect(error.closeCode == WebSocketCloseCode.invalidPayload)
        }
        var split = WebSocketMessageAssembler()
        #expect(try split.accept(WebSocketFrame(fin: false, opcode: .text, payload: [0xE2, 0x9C])) == nil)
        #expect(try split.accept(WebSocketFrame(opcode: .continuation, payload: [0x93])) == .text("✓"))
    }

    @Test("messages over the limit across fragments → 1009")
    func messageLimit() throws {
        var assembler = WebSocketMessageAssembler(maxMessageBytes: 10)
        _ = try assembler.accept(WebSocketFrame(fin: false, opcode: .binary, payload: Array(repeating: 1, count: 6)))
        do {
            _ = try assembler.accept(WebSocketFrame(fin: false, opcode: .continuation, payload: Array(repeating: 1, count: 6)))
            Issue.record("oversized message accepted")
        } catch {
            #expect(error.closeCode == WebSocketCloseCode.messageTooBig)
        }
    }

    @Test("close frames: code and reason read; no code → 1005; one byte, reserved codes, bad UTF-8 refused (§5.5.1, §7.4)")
    func closeFrames() throws {
        var assembler = WebSocketMessageAssembler()
        #expect(try assembler.accept(.close(code: 1000, reason: "bye")) == .close(code: 1000, reason: "bye"))
        #expect(try assembler.accept(WebSocketFrame(opcode: .close, payload: [])) == .close(code: 1005, reason: ""))
        for payload: [UInt8] in [[0x03], [0x03, 0xED], [0x03, 0xEE], [0x00, 0x10], [0x03, 0xE8, 0xFF]] {
            #expect(throws: WebSocketError.self) { try assembler.accept(WebSocketFrame(opcode: .close, payload: payload)) }
        }
        // A long reason is cut to fit 125 bytes without splitting a character.
        let long = WebSocketFrame.close(code: 1001, reason: String(repeating: "é", count: 100))
        #expect(long.payload.count <= 125)
        #expect(String(validating: long.payload[2...], as: UTF8.self) != nil)
    }

    @Test("URLs: scheme, default ports, IPv6, path and query; fragments and other schemes refused")
    func urls() throws {
        let secure = try WebSocketURL("wss://fstream.binance.com/ws/abc?x=1")
        #expect(secure.secure && secure.host == "fstream.binance.com" && secure.port == 443 && secure.resource == "/ws/abc?x=1")
        let plain = try WebSocketURL("ws://127.0.0.1:9901")
        #expect(!plain.secure && plain.port == 9901 && plain.resource == "/")
        #expect(try WebSocketURL("ws://[::1]:8080/x").host == "::1")
        for bad in ["http://x/", "ws://x/#frag", "ws://:80/", "ws://x:0/", "ws://x:99999/"] {
            #expect(throws: WebSocketClientError.self) { try WebSocketURL(bad) }
        }
    }
}
