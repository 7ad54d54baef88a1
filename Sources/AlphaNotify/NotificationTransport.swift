import AlphaExchange
import Synchronization

/// How a notification leaves the machine: one JSON POST.
public protocol NotificationTransport: AnyObject {
    /// `idempotencyKey`, when given, is sent as `Idempotency-Key`: Slack and Telegram ignore it,
    /// a relay or a receiver of one's own can drop the rare message sent twice with it.
    func post(url: String, body: [UInt8], idempotencyKey: String?) throws(TransportError) -> HTTPExchangeResponse
}

extension NotificationTransport {
    public func post(url: String, body: [UInt8]) throws(TransportError) -> HTTPExchangeResponse {
        try post(url: url, body: body, idempotencyKey: nil)
    }
}

/// Set from another thread to make a request in progress give up (within about a second):
/// a long poll must not hold up the process's shutdown.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    public func cancel() { flag.store(true, ordering: .relaxed) }
    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// Over libcurl, with its own handle (the notifier's thread is its only user).
public final class CurlNotificationTransport: NotificationTransport {
    private let client = CurlHTTPClient()

    public init(timeoutMilliseconds: Int = 10_000, cancellation: CancellationFlag? = nil) {
        client.connectTimeoutMilliseconds = min(5_000, timeoutMilliseconds)
        client.totalTimeoutMilliseconds = timeoutMilliseconds
        if let cancellation { client.shouldAbort = { cancellation.isCancelled } }
    }

    public func post(url: String, body: [UInt8], idempotencyKey: String?) throws(TransportError) -> HTTPExchangeResponse {
        var headers = [("Content-Type", "application/json; charset=utf-8")]
        if let idempotencyKey { headers.append(("Idempotency-Key", idempotencyKey)) }
        return try client.perform(method: "POST", url: url, headers: headers, body: body)
    }
}
