import AlphaCore
import AlphaStore
import Dispatch
import Foundation
import Logging
import Synchronization

/// The notifier and the Telegram command poller as the bot runs them: each on a thread and a
/// database connection of its own, beside the kernel, started before the bot boots and stopped
/// after it (a request in progress is given up within about a second).
public final class NotificationService {
    public let notifier: Notifier?
    public let telegram: TelegramCommands?
    private let cancellation = CancellationFlag()
    private var finished: [DispatchSemaphore] = []

    public init(settings: NotificationSettings, backend: any StorageBackend, mode: TradingMode, clock: any Clock = SystemClock(),
                requestTimeoutMilliseconds: Int = 10_000, logger: (String) -> Logger) throws {
        var destinations: [NotificationDestination] = []
        if let slack = settings.slack { destinations.append(.slack(slack)) }
        if let telegram = settings.telegram, let destination = NotificationDestination.telegram(telegram) { destinations.append(destination) }
        notifier = destinations.isEmpty ? nil : Notifier(
            destinations: destinations, storage: try backend.open(memory: .lean),
            transport: CurlNotificationTransport(timeoutMilliseconds: requestTimeoutMilliseconds, cancellation: cancellation),
            clock: clock, mode: mode, settings: Notifier.Settings(settings), log: logger("notifier"))
        if let telegram = settings.telegram, !telegram.commandChats.isEmpty {
            self.telegram = TelegramCommands(settings: telegram, storage: try backend.open(memory: .lean),
                                             transport: CurlNotificationTransport(timeoutMilliseconds: (telegram.pollSeconds + 10) * 1000,
                                                                                  cancellation: cancellation),
                                             clock: clock, mode: mode, log: logger("telegram"))
        } else {
            telegram = nil
        }
    }

    public var isEmpty: Bool { notifier == nil && telegram == nil }

    /// Sets the notifier's cursors (first run) and starts both threads.
    public func start() throws {
        try notifier?.prepare()
        if let notifier { spawn("notifier") { [cancellation] in notifier.run(until: { cancellation.isCancelled }) } }
        if let telegram { spawn("telegram") { [cancellation] in telegram.run(until: { cancellation.isCancelled }) } }
    }

    /// Stops both threads and waits for them.
    public func stop() {
        cancellation.cancel()
        for done in finished { done.wait() }
        finished = []
    }

    private func spawn(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        finished.append(done)
        let thread = Thread {
            body()
            done.signal()
        }
        thread.name = name
        thread.start()
    }
}
