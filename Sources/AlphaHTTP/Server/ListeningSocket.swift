import AlphaSystem
import CLinux
import Glibc

/// Socket calls the server needs, wrapped once.
enum SocketCalls {
    /// A non-blocking TCP listener on `host:port` with SO_REUSEPORT, so each event loop can have
    /// its own and the kernel spreads new connections across them.
    static func listen(host: String, port: UInt16, backlog: Int32 = 1024) throws(SystemError) -> (descriptor: Int32, port: UInt16) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | ae_sock_nonblock_cloexec(), 0)
        guard descriptor >= 0 else { throw SystemError("socket") }
        var enable: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &enable, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEPORT, &enable, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(descriptor)
            throw SystemError("inet_pton(\(host)): not an IPv4 address", code: EINVAL)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let error = SystemError("bind \(host):\(port)")
            close(descriptor)
            throw error
        }
        guard Glibc.listen(descriptor, backlog) == 0 else {
            let error = SystemError("listen")
            close(descriptor)
            throw error
        }
        return (descriptor, boundPort(descriptor))
    }

    static func boundPort(_ descriptor: Int32) -> UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Disables Nagle's algorithm: a response goes out as soon as it is written.
    static func setNoDelay(_ descriptor: Int32) {
        var enable: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &enable, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Acknowledges the next segment at once instead of after the delayed-ACK timer. Used when a
    /// request is half received: a client with Nagle's algorithm on holds the rest of its request
    /// until that ACK, which would otherwise cost ~40 ms. The kernel clears the flag by itself,
    /// so it is set again each time (tcp(7)).
    static func acknowledgeQuickly(_ descriptor: Int32) {
        var enable: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_QUICKACK, &enable, socklen_t(MemoryLayout<Int32>.size))
    }
}
