import Synchronization

/// Signals handed from a stream's own thread to the kernel's, which it wakes: the one place
/// another thread touches the bot (the account stream's and the market stream's).
final class SignalInbox<Signal: Sendable>: Sendable {
    private let queue = Mutex<[Signal]>([])
    private let wake: WorkSignal

    init(wake: WorkSignal) { self.wake = wake }

    func receive(_ signal: Signal) {
        queue.withLock { $0.append(signal) }
        wake.signal()
    }

    func takeAll() -> [Signal] {
        queue.withLock { queue in
            defer { queue.removeAll() }
            return queue
        }
    }
}
