import AlphaSystem
import AlphaWebSocket
import CLinux
import Glibc

/// One client connection, owned by one event loop and touched only on its thread (other
/// threads post closures to the loop). HTTP requests are answered in arrival order: while a
/// worker computes one response, later pipelined requests wait in the parser's buffer.
final class Connection: @unchecked Sendable {
    enum Mode {
        case http
        case awaitingWorker
        case eventStream(EventStreamSubscriber, EventStreamHub?)
        case webSocket(WebSocketSession)
        /// Output is done and the write side shut; reads are discarded until the client closes,
        /// so unread request bytes do not turn the close into a reset that destroys the response.
        case lingering
    }

    let descriptor: Int32
    let token: UInt64
    unowned let loop: EventLoop
    private(set) var mode = Mode.http
    private(set) var isClosed = false
    var parser: HTTPRequestParser
    var output: [UInt8] = []
    var outputOffset = 0
    /// Close once `output` is written (an error, `Connection: close`, shutdown).
    var closeAfterWrite = false
    private var interest: UInt32 = EPOLLIN.rawValue | EPOLLRDHUP.rawValue
    /// The client sent FIN; level-triggered readiness would repeat forever, so reads stop.
    private var peerHasClosed = false
    /// Parsing stopped because too much output waited; it resumes once output drains.
    private var pausedForOutput = false
    // Deadline clocks (monotonic ns; 0 = not running).
    private var idleSince: UInt64 = 0
    private var headSince: UInt64 = 0
    private var bodySince: UInt64 = 0
    private var blockedWriteSince: UInt64 = 0
    private var lingerUntil: UInt64 = 0
    var lastStreamWrite: UInt64 = 0
    /// When an event stream must end (monotonic ns; 0 = never).
    var streamEndsAt: UInt64 = 0

    var configuration: HTTPServerConfiguration { loop.context.configuration }

    /// The client's IPv4 address, copied into every request it sends.
    let remoteAddress: String

    /// Held for the object count, which must outlive the loop's `unowned` reference.
    private let context: ServerContext

    deinit { context.connectionObjects.subtract(1, ordering: .relaxed) }

    init(descriptor: Int32, generation: UInt32, loop: EventLoop, remoteAddress: String = "") {
        context = loop.context
        context.connectionObjects.add(1, ordering: .relaxed)
        self.descriptor = descriptor
        self.remoteAddress = remoteAddress
        token = UInt64(generation) << 32 | UInt64(UInt32(bitPattern: descriptor))
        self.loop = loop
        parser = HTTPRequestParser(limits: loop.context.configuration.limits)
    }

    func started() { idleSince = MonotonicClock.now() }

    // MARK: Reading

    func readable(buffer: UnsafeMutableRawBufferPointer) {
        // At most four buffers per wakeup: level-triggered epoll calls again, and a flooding
        // client cannot make one call buffer without bound.
        for _ in 0..<4 where !isClosed {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count > 0 {
                received(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                if count < buffer.count { break }
            } else if count == 0 {
                peerClosed()
                return
            } else {
                if errno == EAGAIN || errno == EINTR { break }
                close()
                return
            }
        }
        guard !isClosed else { return }
        process()
        if case .http = mode, !isClosed, !parser.isBetweenRequests { SocketCalls.acknowledgeQuickly(descriptor) }
    }

    private func received(_ bytes: UnsafeRawBufferPointer) {
        switch mode {
        case .http, .awaitingWorker: parser.append(bytes)
        case .webSocket(let session): session.received(bytes)
        case .eventStream, .lingering: break  // nothing is expected from the client
        }
    }

    /// The client sent FIN. It may still be waiting for answers to what it sent (a half-close),
    /// so those are written before closing.
    private func peerClosed() {
        peerHasClosed = true
        switch mode {
        case .http:
            process()
            if output.count > outputOffset { closeAfterWrite = true; flush() } else { close() }
        case .awaitingWorker:
            closeAfterWrite = true
            updateInterest()
        default:
            close()
        }
    }

    /// Parses and answers every complete request buffered, then writes all answers at once.
    func process() {
        if case .http = mode {
            // The mode is checked each time round: a request handed to a worker stops the loop,
            // and the requests pipelined behind it wait until its response is written.
            while !closeAfterWrite, case .http = mode {
                if output.count - outputOffset >= configuration.maxPendingOutputBytes {
                    pausedForOutput = true
                    break
                }
                switch parser.next() {
                case .incomplete:
                    if parser.takeContinueExpectation() { output.append(contentsOf: "HTTP/1.1 100 Continue\r\n\r\n".utf8) }
                case .failure(let error):
                    write(HTTPResponse.error(error), version: .http11, keepAlive: false, omitBody: false)
                case .request(let request):
                    headSince = 0
                    bodySince = 0
                    dispatch(request)
                    continue
                }
                break
            }
        }
        if case .webSocket(let session) = mode { session.process() }
        flush()
    }

    private func dispatch(_ received: HTTPRequest) {
        var addressed = received
        addressed.remoteAddress = remoteAddress
        let request = addressed
        let keepAlive = request.keepAlive && !loop.draining
        let omitBody = request.method == "HEAD"
        switch loop.context.handler(request) {
        case .response(let response):
            write(response, version: request.version, keepAlive: keepAlive, omitBody: omitBody)
        case .offload(let work):
            mode = .awaitingWorker
            updateInterest()
            loop.context.workers.submit { [self, loop] in
                let response = work()
                loop.post { [self] in self.workerFinished(response, version: request.version, keepAlive: keepAlive, omitBody: omitBody) }
            }
        case .deferred(let work):
            mode = .awaitingWorker
            updateInterest()
            loop.context.workers.submit { [self, loop] in
                let reply = work()
                loop.post { [self] in self.deferredFinished(reply, request: request, keepAlive: keepAlive, omitBody: omitBody) }
            }
        case .eventStream(let source):
            startEventStream(source, request: request)
        case .webSocket(let upgrade):
            startWebSocket(upgrade, request: request)
        }
    }

    private func workerFinished(_ response: HTTPResponse, version: HTTPVersion, keepAlive: Bool, omitBody: Bool) {
        guard !isClosed else { return }
        mode = .http
        write(response, version: version, keepAlive: keepAlive && !loop.draining, omitBody: omitBody)
        process()
    }

    private func deferredFinished(_ reply: HTTPReply, request: HTTPRequest, keepAlive: Bool, omitBody: Bool) {
        guard !isClosed else { return }
        mode = .http
        switch reply {
        case .response(let response):
            workerFinished(response, version: request.version, keepAlive: keepAlive, omitBody: omitBody)
        case .eventStream(let source):
            startEventStream(source, request: request)
            flush()
        default:
            // Deferred work answers with a response or a stream; anything else is a programming error.
            workerFinished(.error(.internalServerError, code: "internal_error", message: "unsupported deferred reply"),
                           version: request.version, keepAlive: false, omitBody: omitBody)
        }
    }

    func write(_ response: HTTPResponse, version: HTTPVersion, keepAlive: Bool, omitBody: Bool) {
        response.serialize(into: &output, date: loop.dateCache.current(), keepAlive: keepAlive, version: version, omitBody: omitBody)
        if !keepAlive { closeAfterWrite = true }
    }

    // MARK: Writing

    func writable() { flush() }

    /// Sends what is buffered; whatever the socket will not take waits for EPOLLOUT.
    func flush() {
        guard !isClosed else { return }
        while outputOffset < output.count {
            let sent = output.withUnsafeBytes { bytes in
                send(descriptor, bytes.baseAddress! + outputOffset, bytes.count - outputOffset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                outputOffset += sent
            } else if sent < 0 && (errno == EAGAIN || errno == EINTR) {
                if blockedWriteSince == 0 { blockedWriteSince = MonotonicClock.now() }
                updateInterest()
                return
            } else {
                close()
                return
            }
        }
        output.removeAll(keepingCapacity: output.capacity <= 256 * 1024)
        outputOffset = 0
        blockedWriteSince = 0
        if closeAfterWrite {
            if case .lingering = mode { return }
            startLingering()
            return
        }
        if case .http = mode, parser.isBetweenRequests { idleSince = MonotonicClock.now() }
        if pausedForOutput {
            // Requests waited in the buffer while output was backed up; answer them now.
            pausedForOutput = false
            process()
            return
        }
        updateInterest()
    }

    private func startLingering() {
        if peerHasClosed {
            close()
            return
        }
        shutdown(descriptor, Int32(SHUT_WR))
        if case .webSocket(let session) = mode { session.ended() }
        if case .eventStream(let subscriber, let hub) = mode { hub?.unsubscribe(subscriber) }
        mode = .lingering
        lingerUntil = MonotonicClock.deadline(afterMilliseconds: 2_000)
        updateInterest()
    }

    /// Reads only when there is room to answer, and watches for writability only while output waits.
    func updateInterest() {
        var wanted = peerHasClosed ? 0 : EPOLLRDHUP.rawValue
        switch mode {
        case _ where peerHasClosed: break
        case .http:
            if !closeAfterWrite && output.count - outputOffset < configuration.maxPendingOutputBytes { wanted |= EPOLLIN.rawValue }
        case .awaitingWorker: break
        case .eventStream, .webSocket, .lingering: wanted |= EPOLLIN.rawValue
        }
        if outputOffset < output.count { wanted |= EPOLLOUT.rawValue }
        if wanted != interest {
            interest = wanted
            loop.modify(descriptor, token: token, events: wanted)
        }
    }

    // MARK: Deadlines and shutdown

    func checkDeadline(now: UInt64) {
        guard !isClosed else { return }
        let config = configuration
        if blockedWriteSince != 0 {
            if now >= blockedWriteSince + UInt64(config.writeTimeoutMilliseconds) * 1_000_000 { close() }
            return
        }
        switch mode {
        case .lingering:
            if now >= lingerUntil { close() }
        case .awaitingWorker:
            break
        case .eventStream:
            // The credentials that opened the stream have expired: end it; the client must
            // authenticate again to reconnect.
            if streamEndsAt != 0 && now >= streamEndsAt {
                startLingering()
                return
            }
            if now >= lastStreamWrite + UInt64(config.eventStreamKeepaliveMilliseconds) * 1_000_000 {
                appendStream(ServerSentEvent.comment("keepalive"), now: now)
            }
        case .webSocket:
            break
        case .http:
            if parser.isBetweenRequests {
                headSince = 0
                if now >= idleSince + UInt64(config.idleTimeoutMilliseconds) * 1_000_000 { close() }
            } else if parser.isReadingBody {
                if bodySince == 0 { bodySince = now }
                if now >= bodySince + UInt64(config.bodyTimeoutMilliseconds) * 1_000_000 {
                    timedOut("the request body did not arrive within \(config.bodyTimeoutMilliseconds) ms")
                }
            } else {
                if headSince == 0 { headSince = now }
                if now >= headSince + UInt64(config.headTimeoutMilliseconds) * 1_000_000 {
                    timedOut("the request head did not arrive within \(config.headTimeoutMilliseconds) ms")
                }
            }
        }
    }

    private func timedOut(_ message: String) {
        write(.error(.requestTimeout, code: "request_timeout", message: message), version: .http11, keepAlive: false, omitBody: false)
        flush()
    }

    /// Shutdown: idle connections close now; busy ones finish their request with `Connection: close`.
    func drain() {
        switch mode {
        case .http:
            if parser.isBetweenRequests {
                // Answers already written go out, then the connection closes. A request still
                // arriving is answered with `Connection: close` when it completes.
                if output.count == outputOffset { close() } else { closeAfterWrite = true }
            }
        case .awaitingWorker, .lingering:
            break
        case .eventStream:
            closeAfterWrite = true
            flush()
        case .webSocket(let session):
            session.sendClose(code: WebSocketCloseCode.goingAway, reason: "server shutting down")
            flush()
        }
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        if case .eventStream(let subscriber, let hub) = mode { hub?.unsubscribe(subscriber) }
        if case .webSocket(let session) = mode { session.ended() }
        // The stream's subscriber and a WebSocket session refer back to this connection: leaving
        // the mode would keep both alive, and the unsent output with them, after the socket is gone.
        mode = .lingering
        output = []
        outputOffset = 0
        loop.forget(self)
        Glibc.close(descriptor)
    }

    func setMode(_ newMode: Mode) {
        mode = newMode
        updateInterest()
    }
}
