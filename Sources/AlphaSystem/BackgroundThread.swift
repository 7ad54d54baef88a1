import Foundation
import Synchronization

/// The life of one named background thread: started once, asked to stop, and `stop()` returns
/// when the thread has ended. The loop it runs checks `isRunning` at least every second or so;
/// that is how long a stop takes. The streams of every venue run on one of these.
public final class BackgroundThread: Sendable {
    private let name: String
    private let running = Atomic<Bool>(false)
    private let finished = Mutex<DispatchSemaphore?>(nil)

    public init(name: String) { self.name = name }

    public var isRunning: Bool { running.load(ordering: .relaxed) }

    /// Runs `body` on a new thread, unless one is running already. The body is handed to the
    /// thread as a plain value (a closure read back out of a lock on each call grew the stack
    /// once: see `BinanceMarketStream`).
    public func start(_ body: @escaping @Sendable () -> Void) {
        guard !running.exchange(true, ordering: .relaxed) else { return }
        let done = DispatchSemaphore(value: 0)
        finished.withLock { $0 = done }
        let thread = Thread {
            body()
            done.signal()
        }
        thread.name = name
        thread.start()
    }

    /// Asks the loop to end and waits until the thread has.
    public func stop() {
        guard running.exchange(false, ordering: .relaxed) else { return }
        finished.withLock { $0 }?.wait()
    }
}
