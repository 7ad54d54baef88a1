/// The state machine's steps: head, framing decision (RFC 9112 §6), body and chunked coding.
extension HTTPRequestParser {
    mutating func step() -> Step {
        switch state {
        case .failed(let error):
            return .result(.failure(error))
        case .requestLine:
            return readRequestLine()
        case .headerLines:
            switch readFieldLine() {
            case nil: return .result(.incomplete)
            case .failure(let error)?: return .result(.failure(error))
            case .success(let field?)?:
                head.headers.add(lowercasedName: field.name, field.value)
                if head.headers.count > limits.maxHeaderCount {
                    return .result(.failure(HTTPParseError(.requestHeaderFieldsTooLarge, "more than \(limits.maxHeaderCount) header fields")))
                }
                return .continue
            case .success(nil)?:
                if let error = decideFraming() { return .result(.failure(error)) }
                return state == .requestLine ? .result(.request(finishRequest())) : .continue
            }
        case .fixedBody(let remaining):
            let available = min(remaining, buffer.count - cursor)
            guard available > 0 else { return .result(.incomplete) }
            head.body.append(contentsOf: buffer[cursor..<(cursor + available)])
            cursor += available
            if remaining == available {
                state = .requestLine
                return .result(.request(finishRequest()))
            }
            state = .fixedBody(remaining: remaining - available)
            return .result(.incomplete)
        case .chunkSize:
            return readChunkSize()
        case .chunkData(let remaining):
            let available = min(remaining, buffer.count - cursor)
            guard available > 0 else { return .result(.incomplete) }
            head.body.append(contentsOf: buffer[cursor..<(cursor + available)])
            cursor += available
            state = remaining == available ? .chunkDataEnd : .chunkData(remaining: remaining - available)
            return .continue
        case .chunkDataEnd:
            guard buffer.count - cursor >= 2 else { return .result(.incomplete) }
            guard buffer[cursor] == 0x0D, buffer[cursor + 1] == 0x0A else {
                return .result(.failure(HTTPParseError(.badRequest, "chunk data not followed by CRLF (RFC 9112 §7.1)")))
            }
            cursor += 2
            state = .chunkSize
            return .continue
        case .trailerLines:
            // Trailer fields are read, limited like headers, and dropped: none is trusted for framing (RFC 9112 §7.1.2).
            switch readFieldLine() {
            case nil: return .result(.incomplete)
            case .failure(let error)?: return .result(.failure(error))
            case .success(.some)?: return .continue
            case .success(nil)?:
                state = .requestLine
                return .result(.request(finishRequest()))
            }
        }
    }

    /// Decides how the body is delimited, refusing every ambiguous combination that lets two
    /// servers in a chain see different requests (request smuggling).
    mutating func decideFraming() -> HTTPParseError? {
        let headers = head.headers
        let hosts = headers.values("host")
        if hosts.count > 1 { return HTTPParseError(.badRequest, "more than one Host header (RFC 9112 §3.2)") }
        if hosts.isEmpty && head.version == .http11 {
            return HTTPParseError(.badRequest, "HTTP/1.1 request without a Host header (RFC 9112 §3.2)")
        }
        let transferEncodings = headers.values("transfer-encoding")
        let contentLengths = headers.values("content-length")
        let connection = headers.tokens("connection")
        head.keepAlive = head.version == .http11 ? !connection.contains("close")
            : connection.contains("keep-alive") && !connection.contains("close")

        if !transferEncodings.isEmpty {
            if !contentLengths.isEmpty {
                return HTTPParseError(.badRequest, "both Transfer-Encoding and Content-Length (RFC 9112 §6.1)")
            }
            if head.version == .http10 {
                return HTTPParseError(.badRequest, "Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1)")
            }
            let codings = headers.tokens("transfer-encoding")
            guard codings.last == "chunked" else {
                return HTTPParseError(.badRequest, "chunked must be the final transfer coding (RFC 9112 §6.3)")
            }
            if codings.count(where: { $0 == "chunked" }) > 1 {
                return HTTPParseError(.badRequest, "chunked applied more than once (RFC 9112 §7.1)")
            }
            if codings.count > 1 {
                return HTTPParseError(.notImplemented, "transfer coding \(codings[0]) is not supported (RFC 9112 §6.1)")
            }
            head.chunked = true
            state = .chunkSize
        } else if !contentLengths.isEmpty {
            var length: Int?
            for member in contentLengths.flatMap({ $0.split(separator: ",", omittingEmptySubsequences: false) }) {
                let digits = member.trimmingWhitespace()
                guard !digits.isEmpty, digits.utf8.allSatisfy(HTTPSyntax.isDigit) else {
                    return HTTPParseError(.badRequest, "Content-Length is not a decimal number (RFC 9112 §6.2)")
                }
                guard digits.count <= 18, let value = Int(digits) else {
                    return HTTPParseError(.contentTooLarge, "body larger than \(limits.maxBodyBytes) bytes")
                }
                if let length, length != value {
                    return HTTPParseError(.badRequest, "conflicting Content-Length values (RFC 9112 §6.3)")
                }
                length = value
            }
            let bodyLength = length ?? 0
            if bodyLength > limits.maxBodyBytes {
                return HTTPParseError(.contentTooLarge, "body of \(bodyLength) bytes is larger than \(limits.maxBodyBytes)")
            }
            state = bodyLength == 0 ? .requestLine : .fixedBody(remaining: bodyLength)
        } else {
            // No framing header: a request without a body (RFC 9112 §6.3 rule 7).
            state = .requestLine
        }
        if state != .requestLine, headers.tokens("expect").contains("100-continue") { expectsContinue = true }
        return nil
    }

    /// chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF (RFC 9112 §7.1).
    mutating func readChunkSize() -> Step {
        switch scanLine(limit: 1024, tooLong: HTTPParseError(.badRequest, "chunk size line longer than 1024 bytes")) {
        case .incomplete: return .result(.incomplete)
        case .failure(let error): return .result(.failure(error))
        case .line(let end):
            let line = buffer[cursor..<end]
            cursor = end + 2
            var size = 0
            var index = line.startIndex
            while index < line.endIndex, let digit = PercentDecoding.hexValue(line[index]) {
                guard index - line.startIndex < 15 else {
                    return .result(.failure(HTTPParseError(.contentTooLarge, "chunk size too large")))
                }
                size = size << 4 | Int(digit)
                index += 1
            }
            guard index > line.startIndex else {
                return .result(.failure(HTTPParseError(.badRequest, "chunk size is not hexadecimal (RFC 9112 §7.1)")))
            }
            // Only chunk extensions may follow the size: BWS ";" ... (RFC 9112 §7.1.1). They are ignored.
            let rest = line[index...].drop(while: { $0 == 0x20 || $0 == 0x09 })
            guard rest.isEmpty || rest.first == UInt8(ascii: ";") else {
                return .result(.failure(HTTPParseError(.badRequest, "unexpected bytes after the chunk size (RFC 9112 §7.1)")))
            }
            if size == 0 {
                state = .trailerLines
                return .continue
            }
            if head.body.count + size > limits.maxBodyBytes {
                return .result(.failure(HTTPParseError(.contentTooLarge, "chunked body larger than \(limits.maxBodyBytes) bytes")))
            }
            state = .chunkData(remaining: size)
            return .continue
        }
    }

    /// Hands out the request and gets ready for the next one on the same connection.
    mutating func finishRequest() -> HTTPRequest {
        let request = HTTPRequest(method: head.method, target: head.target, version: head.version,
                                  headers: head.headers, body: head.body, keepAlive: head.keepAlive)
        head = PartialHead()
        expectsContinue = false
        if cursor == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            cursor = 0
        } else if cursor >= 16 * 1024 {
            buffer.removeFirst(cursor)
            cursor = 0
        }
        return request
    }
}
