/// Finding line ends and reading the request line and header fields.
extension HTTPRequestParser {
    enum Step {
        case `continue`
        case result(HTTPParseResult)
    }

    enum LineScan {
        /// The line's bytes are `buffer[cursor..<end]`; the CRLF follows.
        case line(end: Int)
        case incomplete
        case failure(HTTPParseError)
    }

    /// Looks for CRLF from the cursor. Only CRLF ends a line: a bare CR or a bare LF is refused
    /// (RFC 9112 §2.2), since servers that disagree on line ends can be made to disagree on where
    /// one request stops and the next begins.
    mutating func scanLine(limit: Int, tooLong: HTTPParseError) -> LineScan {
        var index = cursor + scanned
        while index < buffer.count {
            let byte = buffer[index]
            if byte == 0x0A {
                guard index > cursor, buffer[index - 1] == 0x0D else {
                    return .failure(HTTPParseError(.badRequest, "bare LF in the request head (RFC 9112 §2.2)"))
                }
                scanned = 0
                return .line(end: index - 1)
            }
            if byte == 0x0D, index + 1 < buffer.count, buffer[index + 1] != 0x0A {
                return .failure(HTTPParseError(.badRequest, "bare CR in the request head (RFC 9112 §2.2)"))
            }
            if index - cursor > limit { return .failure(tooLong) }
            index += 1
        }
        // Keep the last byte unscanned if it is a CR: its LF has not arrived yet.
        scanned = max(0, index - cursor - 1)
        if index - cursor > limit + 1 { return .failure(tooLong) }
        return .incomplete
    }

    /// request-line = method SP request-target SP HTTP-version (RFC 9112 §3).
    mutating func readRequestLine() -> Step {
        switch scanLine(limit: limits.maxRequestLineBytes,
                        tooLong: HTTPParseError(.uriTooLong, "request line longer than \(limits.maxRequestLineBytes) bytes")) {
        case .incomplete: return .result(.incomplete)
        case .failure(let error): return .result(.failure(error))
        case .line(let end):
            let line = buffer[cursor..<end]
            cursor = end + 2
            // RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request-line.
            if line.isEmpty { return .continue }
            guard let firstSpace = line.firstIndex(of: 0x20),
                  let secondSpace = line[(firstSpace + 1)...].firstIndex(of: 0x20),
                  !line[(secondSpace + 1)...].contains(0x20)
            else {
                return .result(.failure(HTTPParseError(.badRequest, "request line must be `METHOD target HTTP/1.1` with single spaces (RFC 9112 §3)")))
            }
            let method = line[line.startIndex..<firstSpace]
            let target = line[(firstSpace + 1)..<secondSpace]
            let version = line[(secondSpace + 1)...]
            guard !method.isEmpty, method.allSatisfy(HTTPSyntax.isTokenByte) else {
                return .result(.failure(HTTPParseError(.badRequest, "method is not a token (RFC 9110 §9.1)")))
            }
            guard !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                return .result(.failure(HTTPParseError(.badRequest, "request target is empty or holds whitespace or control bytes (RFC 9112 §3.2)")))
            }
            switch Array(version) {
            case Array("HTTP/1.1".utf8): head.version = .http11
            case Array("HTTP/1.0".utf8): head.version = .http10
            case let other where other.count == 8 && other.starts(with: "HTTP/".utf8)
                && HTTPSyntax.isDigit(other[5]) && other[6] == UInt8(ascii: ".") && HTTPSyntax.isDigit(other[7]):
                return .result(.failure(HTTPParseError(.httpVersionNotSupported, "only HTTP/1.1 and HTTP/1.0 are spoken here")))
            default:
                return .result(.failure(HTTPParseError(.badRequest, "malformed HTTP version (RFC 9112 §2.3)")))
            }
            guard target.first == UInt8(ascii: "/") || (target.elementsEqual("*".utf8) && method.elementsEqual("OPTIONS".utf8)) else {
                return .result(.failure(HTTPParseError(.badRequest, "request target must be in origin form, starting with / (RFC 9112 §3.2.1)")))
            }
            head.method = String(decoding: method, as: UTF8.self)
            head.target = String(decoding: target, as: UTF8.self)
            state = .headerLines
            return .continue
        }
    }

    /// field-line = field-name ":" OWS field-value OWS (RFC 9112 §5). Returns the field, nil at
    /// the empty line that ends the section, or a failure. Used for headers and trailers alike.
    mutating func readFieldLine() -> Result<(name: String, value: String)?, HTTPParseError>? {
        let remaining = limits.maxHeaderBytes - head.headerBytes
        let tooLarge = HTTPParseError(.requestHeaderFieldsTooLarge, "header fields exceed \(limits.maxHeaderBytes) bytes")
        switch scanLine(limit: max(0, remaining), tooLong: tooLarge) {
        case .incomplete: return nil
        case .failure(let error): return .failure(error)
        case .line(let end):
            let line = buffer[cursor..<end]
            cursor = end + 2
            head.headerBytes += line.count + 2
            if line.isEmpty { return .success(nil) }
            if head.headerBytes > limits.maxHeaderBytes { return .failure(tooLarge) }
            if line.first == 0x20 || line.first == 0x09 {
                return .failure(HTTPParseError(.badRequest, "obsolete line folding is not accepted (RFC 9112 §5.2)"))
            }
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                return .failure(HTTPParseError(.badRequest, "header line without a colon (RFC 9112 §5)"))
            }
            let name = line[line.startIndex..<colon]
            guard !name.isEmpty, name.allSatisfy(HTTPSyntax.isTokenByte) else {
                return .failure(HTTPParseError(.badRequest, "header name is empty, not a token, or followed by whitespace before the colon (RFC 9112 §5.1)"))
            }
            var valueStart = colon + 1
            var valueEnd = line.endIndex
            while valueStart < valueEnd, line[valueStart] == 0x20 || line[valueStart] == 0x09 { valueStart += 1 }
            while valueEnd > valueStart, line[valueEnd - 1] == 0x20 || line[valueEnd - 1] == 0x09 { valueEnd -= 1 }
            let value = line[valueStart..<valueEnd]
            guard value.allSatisfy(HTTPSyntax.isFieldValueByte) else {
                return .failure(HTTPParseError(.badRequest, "header value holds a control byte (RFC 9110 §5.5)"))
            }
            return .success((String(decoding: name, as: UTF8.self).lowercased(), String(decoding: value, as: UTF8.self)))
        }
    }
}

/// Byte classes from RFC 9110 §5.6.2 and §5.5.
enum HTTPSyntax {
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
    static func isTokenByte(_ byte: UInt8) -> Bool { tokenTable[Int(byte)] }

    /// field-vchar, SP, HTAB and obs-text; never CR, LF or NUL.
    static func isFieldValueByte(_ byte: UInt8) -> Bool { byte == 0x09 || (byte >= 0x20 && byte != 0x7F) }

    private static let tokenTable: [Bool] = (0..<256).map { value in
        let byte = UInt8(value)
        if isDigit(byte) { return true }
        if (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) { return true }
        return "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
}
