import Glibc

/// How the server listens, how many threads it runs, and every limit and deadline it enforces.
/// The defaults suit the dashboard's API; tests shorten the deadlines.
public struct HTTPServerConfiguration: Sendable {
    /// An IPv4 address to bind, e.g. "127.0.0.1" or "0.0.0.0".
    public var host = "127.0.0.1"
    /// 0 asks the kernel for a free port; `HTTPServer.port` tells which.
    public var port: UInt16 = 0
    /// One epoll loop per core, each with its own SO_REUSEPORT listener.
    public var eventLoops = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    /// Threads for `.offload` work (SQLite writes and other blocking calls).
    public var workerThreads = 4
    public var limits = HTTPParserLimits()
    /// Connections beyond this many (across all loops) are closed as soon as they are accepted.
    public var maxConnections = 4096
    /// From a request's first byte until its head is complete (slow-loris).
    public var headTimeoutMilliseconds = 10_000
    /// From the end of the head until the body is complete.
    public var bodyTimeoutMilliseconds = 30_000
    /// How long a keep-alive connection may sit between requests.
    public var idleTimeoutMilliseconds = 60_000
    /// How long unsent output may wait for a client that does not read.
    public var writeTimeoutMilliseconds = 30_000
    /// Unsent output past which the server stops reading more requests from that connection.
    public var maxPendingOutputBytes = 1 << 20
    /// Events queued for one stream subscriber before it is dropped as too slow.
    public var eventStreamQueueLimit = 1024
    /// A comment line is sent on an idle event stream this often.
    public var eventStreamKeepaliveMilliseconds = 15_000
    public var webSocketMaxFrameBytes = 1 << 20
    public var webSocketMaxMessageBytes = 4 << 20
    /// How long `shutdown()` lets in-flight requests finish before closing what is left.
    public var shutdownGraceMilliseconds = 10_000

    public init() {}
}
