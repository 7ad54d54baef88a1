import Foundation
import Glibc

/// A deliberately simple blocking HTTP/1.1 client over a plain socket, so tests control every
/// byte sent (malformed requests, drip feeding, pipelining) and see every byte received.
public final class RawClient {
    public struct Response {
        public let status: Int
        public let headers: [(String, String)]
        public let body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
        public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public let descriptor: Int32
    private var buffer: [UInt8] = []

    public init(port: UInt16, timeoutSeconds: Int = 5) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect failed: errno \(errno)") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(descriptor) }

    /// Ends the connection now (both directions), as a client that goes away does.
    public func closeNow() { shutdown(descriptor, Int32(SHUT_RDWR)) }

    public func send(_ text: String) throws { try send(Array(text.utf8)) }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            offset += sent
        }
    }

    /// Reads more bytes; false at end of stream (or timeout).
    @discardableResult
    public func fill() -> Bool {
        let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }

    /// Reused for every read (the benchmark reads thousands of responses).
    private var chunk = [UInt8](repeating: 0, count: 65536)

    /// Reads one response framed by Content-Length (or by close when it has none).
    public func readResponse(headRequest: Bool = false) throws -> Response {
        var headEnd: Int?
        while headEnd == nil {
            headEnd = Self.find([13, 10, 13, 10], in: buffer).map { $0 + 4 }
            if headEnd == nil, !fill() { throw Failure(description: "connection ended before a response head; got \(String(decoding: buffer, as: UTF8.self))") }
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        let statusLine = lines.removeFirst()
        let status = Int(statusLine.split(separator: " ")[1]) ?? 0
        let headers = lines.map { line -> (String, String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        buffer.removeFirst(headEnd!)
        if status == 100 { return try readResponse(headRequest: headRequest) }
        let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) }
        if headRequest || status == 304 || status == 204 || status == 101 { return Response(status: status, headers: headers, body: []) }
        if let length {
            while buffer.count < length { guard fill() else { throw Failure(description: "body cut short") } }
            let body = Array(buffer[..<length])
            buffer.removeFirst(length)
            return Response(status: status, headers: headers, body: body)
        }
        while fill() {}
        defer { buffer.removeAll() }
        return Response(status: status, headers: headers, body: buffer)
    }

    /// Reads until the server closes; true if it did within the receive timeout.
    public func waitForClose() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(descriptor, &chunk, chunk.count, 0)
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
            buffer.append(contentsOf: chunk[0..<count])
        }
    }

    /// Whatever has been received and not yet consumed.
    public var pending: [UInt8] { buffer }

    /// Reads until `marker` appears in the buffer; false on end of stream or timeout.
    public func read(until marker: String) -> Bool {
        while Self.find(Array(marker.utf8), in: buffer) == nil { guard fill() else { return false } }
        return true
    }

    public func take() -> String {
        defer { buffer.removeAll() }
        return String(decoding: buffer, as: UTF8.self)
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<(start + needle.count)]) == needle { return start }
        }
        return nil
    }
}
