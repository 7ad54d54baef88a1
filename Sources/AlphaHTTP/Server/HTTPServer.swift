import AlphaSystem
import Foundation
import Synchronization

/// An HTTP/1.1 server on epoll: `eventLoops` threads, each with its own SO_REUSEPORT listener,
/// and a pool of workers for blocking work. No SwiftNIO.
///
///     var router = Router()
///     router.get("/health") { _ in .response(.text("ok")) }
///     let server = try HTTPServer(configuration: .init(), handler: router.handler)
///     try server.start()            // server.port tells the bound port
///     …
///     server.shutdown()             // finishes in-flight requests, then returns
public final class HTTPServer: Sendable {
    public let configuration: HTTPServerConfiguration
    private let context: ServerContext
    private let state = Mutex(State())

    struct State {
        var loops: [EventLoop] = []
        var finished: [DispatchSemaphore] = []
        var port: UInt16 = 0
        var started = false
    }

    public init(configuration: HTTPServerConfiguration = HTTPServerConfiguration(), handler: @escaping HTTPHandler) {
        self.configuration = configuration
        context = ServerContext(configuration: configuration, handler: handler)
    }

    /// The bound port (useful after binding port 0).
    public var port: UInt16 { state.withLock { $0.port } }

    /// Open connections across all loops.
    public var connectionCount: Int { context.connectionCount }

    /// Connection objects still in memory; settles to `connectionCount` once closed ones are
    /// released (a higher figure that stays means a leak).
    public var connectionObjectCount: Int { context.connectionObjects.load(ordering: .relaxed) }

    /// Binds one listener per loop and starts the loop threads.
    public func start() throws(SystemError) {
        ignoreBrokenPipeSignals()
        var loops: [EventLoop] = []
        let first = try SocketCalls.listen(host: configuration.host, port: configuration.port)
        var listeners = [first.descriptor]
        do throws(SystemError) {
            for _ in 1..<max(1, configuration.eventLoops) {
                listeners.append(try SocketCalls.listen(host: configuration.host, port: first.port).descriptor)
            }
            for listener in listeners { loops.append(try EventLoop(listener: listener, context: context)) }
        } catch {
            for listener in listeners { close(listener) }
            throw error
        }
        var finished: [DispatchSemaphore] = []
        for (index, loop) in loops.enumerated() {
            let done = DispatchSemaphore(value: 0)
            finished.append(done)
            let thread = Thread {
                loop.run()
                done.signal()
            }
            thread.name = "alphahttp-loop-\(index)"
            thread.stackSize = 1 << 20
            thread.start()
        }
        state.withLock {
            $0.loops = loops
            $0.finished = finished
            $0.port = first.port
            $0.started = true
        }
    }

    /// Stops accepting, lets in-flight requests finish (up to `shutdownGraceMilliseconds`),
    /// closes event streams and WebSockets (1001), and returns when every loop has stopped.
    public func shutdown() {
        let (loops, finished) = state.withLock { state -> ([EventLoop], [DispatchSemaphore]) in
            defer {
                state.loops = []
                state.finished = []
            }
            return (state.loops, state.finished)
        }
        for loop in loops { loop.post { loop.beginDraining() } }
        for done in finished { done.wait() }
        context.workers.stop()
    }
}
