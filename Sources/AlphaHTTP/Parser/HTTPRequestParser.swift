/// An incremental HTTP/1.1 request parser (RFC 9112): a pure state machine over bytes.
///
/// Feed it whatever the socket returned with `append`, then call `next()` until it answers
/// `.incomplete`. Requests come out in order, so pipelining needs nothing more. It keeps no
/// socket, clock or thread of its own, so every framing rule is tested on byte literals.
public struct HTTPRequestParser: Sendable {
    enum State: Equatable, Sendable {
        case requestLine
        case headerLines
        case fixedBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailerLines
        case failed(HTTPParseError)
    }

    public let limits: HTTPParserLimits
    var state = State.requestLine
    var buffer: [UInt8] = []
    /// First byte not yet consumed.
    var cursor = 0
    /// How far past `cursor` the current line has been scanned for its end, so a drip-fed line
    /// is not rescanned from its start on every byte.
    var scanned = 0
    var head = PartialHead()

    /// Set at the end of a head that carried `Expect: 100-continue` and a body.
    var expectsContinue = false

    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
        buffer.reserveCapacity(4096)
    }

    /// True once, after a head that asked `Expect: 100-continue`: the connection then sends
    /// "100 Continue" so the client goes on with the body (RFC 9110 §10.1.1).
    public mutating func takeContinueExpectation() -> Bool {
        defer { expectsContinue = false }
        return expectsContinue
    }

    /// Bytes received but not yet turned into a request.
    public var bufferedByteCount: Int { buffer.count - cursor }

    /// True when no request is partly received: the connection is between requests.
    public var isBetweenRequests: Bool { state == .requestLine && cursor == buffer.count }

    /// True once the head is complete and the body is being read.
    public var isReadingBody: Bool {
        switch state {
        case .fixedBody, .chunkSize, .chunkData, .chunkDataEnd, .trailerLines: true
        default: false
        }
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete request, `.incomplete`, or the failure that ends the connection.
    public mutating func next() -> HTTPParseResult {
        while true {
            switch step() {
            case .continue: continue
            case .result(let result):
                if case .failure(let error) = result { state = .failed(error) }
                return result
            }
        }
    }
}

/// The parts of a request head gathered so far.
struct PartialHead: Sendable {
    var method = ""
    var target = ""
    var version = HTTPVersion.http11
    var headers = HTTPHeaders()
    var headerBytes = 0
    var chunked = false
    var body: [UInt8] = []
    var keepAlive = true
}

extension HTTPRequestParser {
    /// Hands over every unparsed byte (after an upgrade, they belong to the new protocol).
    public mutating func takeBufferedBytes() -> [UInt8] {
        defer {
            buffer.removeAll()
            cursor = 0
        }
        return Array(buffer[cursor...])
    }
}
