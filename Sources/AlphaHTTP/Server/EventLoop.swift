import AlphaSystem
import CLinux
import Foundation
import Synchronization

/// One epoll loop on its own thread: accepts from its own listener, reads, parses, routes and
/// writes without leaving the thread. Other threads reach it only through `post`, which queues
/// a closure and wakes the loop through an eventfd.
final class EventLoop: @unchecked Sendable {
    // Everything below `inbox` is touched only on the loop's thread.
    private let inbox = Mutex<[@Sendable () -> Void]>([])
    private let wakeDescriptor: Int32
    let epoll: Int32
    let context: ServerContext
    private var listener: Int32
    private var connections: [Int32: Connection] = [:]
    private var generation: UInt32 = 0
    private(set) var draining = false
    private var drainDeadline: UInt64 = 0
    private let readBuffer: UnsafeMutableRawBufferPointer
    var dateCache = HTTPDateCache()
    private var lastSweep: UInt64 = 0

    static let listenerToken: UInt64 = UInt64.max
    static let wakeToken: UInt64 = UInt64.max - 1
    static let readBufferSize = 64 * 1024

    init(listener: Int32, context: ServerContext) throws(SystemError) {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else { throw SystemError("epoll_create1") }
        wakeDescriptor = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeDescriptor >= 0 else { throw SystemError("eventfd") }
        self.listener = listener
        self.context = context
        readBuffer = .allocate(byteCount: Self.readBufferSize, alignment: 16)
        register(listener, token: Self.listenerToken, events: EPOLLIN.rawValue)
        register(wakeDescriptor, token: Self.wakeToken, events: EPOLLIN.rawValue)
    }

    deinit {
        readBuffer.deallocate()
        close(wakeDescriptor)
        close(epoll)
    }

    /// Runs `task` on the loop's thread soon. Safe from any thread.
    func post(_ task: @escaping @Sendable () -> Void) {
        let wasEmpty = inbox.withLock { tasks -> Bool in
            tasks.append(task)
            return tasks.count == 1
        }
        if wasEmpty {
            var one: UInt64 = 1
            _ = write(wakeDescriptor, &one, 8)
        }
    }

    /// Loops until shutdown has drained every connection.
    func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 256)
        while true {
            let count = epoll_wait(epoll, &events, Int32(events.count), 100)
            if count < 0 && errno != EINTR { break }
            for index in 0..<max(0, Int(count)) {
                let token = events[index].data.u64
                let flags = events[index].events
                switch token {
                case Self.listenerToken: acceptConnections()
                case Self.wakeToken: runInbox()
                default: dispatch(token: token, flags: flags)
                }
            }
            let now = MonotonicClock.now()
            if now &- lastSweep >= 100_000_000 {
                lastSweep = now
                sweep(now: now)
            }
            if draining && (connections.isEmpty || now >= drainDeadline) { break }
        }
        for connection in Array(connections.values) { connection.close() }
        if listener >= 0 { close(listener) }
    }

    /// Stops accepting and lets in-flight requests finish; `run` returns once all are done.
    func beginDraining() {
        guard !draining else { return }
        draining = true
        drainDeadline = MonotonicClock.deadline(afterMilliseconds: context.configuration.shutdownGraceMilliseconds)
        epoll_ctl(epoll, EPOLL_CTL_DEL, listener, nil)
        close(listener)
        listener = -1
        for connection in Array(connections.values) { connection.drain() }
    }

    // MARK: Connections

    private func acceptConnections() {
        while !draining {
            var address = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let descriptor = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { ae_accept4(listener, $0, &length, ae_sock_nonblock_cloexec()) }
            }
            if descriptor < 0 { return }  // EAGAIN, or an error the next readiness will repeat
            guard context.admit() else {
                close(descriptor)
                continue
            }
            SocketCalls.setNoDelay(descriptor)
            generation &+= 1
            let connection = Connection(descriptor: descriptor, generation: generation, loop: self,
                                        remoteAddress: Self.text(of: address))
            connections[descriptor] = connection
            register(descriptor, token: connection.token, events: EPOLLIN.rawValue | EPOLLRDHUP.rawValue)
            connection.started()
        }
    }

    /// The peer's IPv4 address as dotted text ("127.0.0.1"), for logs and per-client limits.
    static func text(of address: sockaddr_in) -> String {
        let host = UInt32(bigEndian: address.sin_addr.s_addr)
        return "\(host >> 24).\(host >> 16 & 0xFF).\(host >> 8 & 0xFF).\(host & 0xFF)"
    }

    func forget(_ connection: Connection) {
        guard connections[connection.descriptor] === connection else { return }
        connections.removeValue(forKey: connection.descriptor)
        epoll_ctl(epoll, EPOLL_CTL_DEL, connection.descriptor, nil)
        context.release()
    }

    private func dispatch(token: UInt64, flags: UInt32) {
        let descriptor = Int32(truncatingIfNeeded: token & 0xFFFF_FFFF)
        // The generation guards against an event for a descriptor number already reused.
        guard let connection = connections[descriptor], connection.token == token else { return }
        if flags & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            connection.readable(buffer: readBuffer)
        }
        if flags & EPOLLOUT.rawValue != 0, !connection.isClosed { connection.writable() }
    }

    private func runInbox() {
        var value: UInt64 = 0
        _ = read(wakeDescriptor, &value, 8)
        let tasks = inbox.withLock { tasks in
            defer { tasks.removeAll(keepingCapacity: true) }
            return tasks
        }
        for task in tasks { task() }
    }

    private func sweep(now: UInt64) {
        for connection in Array(connections.values) { connection.checkDeadline(now: now) }
    }

    // MARK: epoll registration

    func register(_ descriptor: Int32, token: UInt64, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = token
        epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event)
    }

    func modify(_ descriptor: Int32, token: UInt64, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = token
        epoll_ctl(epoll, EPOLL_CTL_MOD, descriptor, &event)
    }
}

/// What all loops of one server share: the handler, the configuration, the workers and the
/// connection count.
final class ServerContext: Sendable {
    let configuration: HTTPServerConfiguration
    let handler: HTTPHandler
    let workers: WorkerPool
    private let openConnections = Atomic<Int>(0)
    /// `Connection` objects alive: equal to the open connections once their loops have let go,
    /// unless something still refers to a closed one (a leak).
    let connectionObjects = Atomic<Int>(0)

    init(configuration: HTTPServerConfiguration, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
        workers = WorkerPool(threads: configuration.workerThreads)
    }

    var connectionCount: Int { openConnections.load(ordering: .relaxed) }

    /// Counts a new connection in, or refuses it at the cap.
    func admit() -> Bool {
        let now = openConnections.wrappingAdd(1, ordering: .relaxed).newValue
        if now > configuration.maxConnections {
            openConnections.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func release() { openConnections.wrappingSubtract(1, ordering: .relaxed) }
}
