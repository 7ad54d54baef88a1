import AlphaSystem
import CLinux
import Glibc

/// A connected byte stream with timeouts: plain TCP or TLS over it.
protocol ByteStream: AnyObject {
    /// Reads some bytes; 0 at end of stream. Throws `.timeout` when nothing came in time.
    func read(into buffer: UnsafeMutableRawBufferPointer, timeoutMilliseconds: Int) throws(WebSocketClientError) -> Int
    func writeAll(_ bytes: [UInt8]) throws(WebSocketClientError)
    func close()
}

/// A TCP connection made with a deadline (non-blocking connect + poll), then used blocking with
/// SO_RCVTIMEO / SO_SNDTIMEO, which OpenSSL's reads and writes honour too.
final class TCPStream: ByteStream {
    let descriptor: Int32
    private var closed = false

    init(host: String, port: UInt16, timeoutMilliseconds: Int) throws(WebSocketClientError) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &results)
        guard status == 0, let first = results else {
            throw .connect("cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(results) }
        var lastError = "no address for \(host)"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let descriptor = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | ae_sock_nonblock_cloexec(), 0)
            guard descriptor >= 0 else { continue }
            if Self.connect(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen, timeoutMilliseconds: timeoutMilliseconds, error: &lastError) {
                let flags = fcntl(descriptor, F_GETFL)
                _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK)
                var enable: Int32 = 1
                setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &enable, socklen_t(MemoryLayout<Int32>.size))
                self.descriptor = descriptor
                return
            }
            Glibc.close(descriptor)
        }
        throw .connect("\(host):\(port): \(lastError)")
    }

    private static func connect(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t,
                                timeoutMilliseconds: Int, error: inout String) -> Bool {
        if Glibc.connect(descriptor, address, length) == 0 { return true }
        guard errno == EINPROGRESS else {
            error = SystemError("connect").description
            return false
        }
        var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        guard poll(&poller, 1, Int32(timeoutMilliseconds)) == 1 else {
            error = "connect timed out after \(timeoutMilliseconds) ms"
            return false
        }
        var code: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &code, &size)
        if code != 0 { error = SystemError("connect", code: code).description }
        return code == 0
    }

    func setTimeout(_ option: Int32, milliseconds: Int) {
        var value = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        setsockopt(descriptor, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, timeoutMilliseconds: Int) throws(WebSocketClientError) -> Int {
        setTimeout(SO_RCVTIMEO, milliseconds: max(1, timeoutMilliseconds))
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            if errno == EAGAIN { throw .timeout }
            throw .connectionLost(SystemError("recv").description)
        }
    }

    func writeAll(_ bytes: [UInt8]) throws(WebSocketClientError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if sent > 0 { offset += sent; continue }
            if sent < 0 && errno == EINTR { continue }
            throw sent < 0 && errno == EAGAIN ? .timeout : .connectionLost(SystemError("send").description)
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(descriptor)
    }

    deinit { close() }
}
