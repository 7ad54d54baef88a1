import AlphaCore
import AlphaJSON
import AlphaSystem
import Foundation
import Synchronization

/// Upbit's pacing (reference: the Upbit notes §5): each answer's `Remaining-Req: group=…; min=…;
/// sec=N` says how many requests of that group are left this second. A group that has none left
/// is held for a whole second from that answer (Upbit's second is its own clock's, which ours
/// cannot see the edges of); a 429 holds everything a second, a 418 (after 429s were ignored) for
/// the time Upbit gives or a minute.
public final class UpbitPacer: RequestPacer, Sendable {
    struct State {
        var remaining: [String: (left: Int, at: Int64)] = [:]
        var closed: PacerClosure?
    }
    private let state = Mutex(State())
    private let clock: @Sendable () -> Int64

    public init(clock: @escaping @Sendable () -> Int64 = { MonotonicClock.milliseconds() }) { self.clock = clock }

    /// Reads an answer's `Remaining-Req` header, when it has one.
    public func observe(remainingRequests header: String?) {
        guard let header else { return }
        var group: String?, left: Int?
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { continue }
            if pair[0] == "group" { group = pair[1] }
            if pair[0] == "sec" { left = Int(pair[1]) }
        }
        guard let group, let left else { return }
        let now = clock()
        state.withLock { $0.remaining[group] = (left, now) }
    }

    /// Upbit refused for the rate (429) or banned (418).
    public func close(banned: Bool, forSeconds seconds: Int) {
        let until = clock() + Int64(seconds) * 1000
        state.withLock { $0.closed = banned ? .banned(untilMilliseconds: until) : .rateLimited(untilMilliseconds: until) }
    }

    public func closure(now: Int64) -> PacerClosure? {
        state.withLock { state in
            if let closed = state.closed, closed.until > now { return closed }
            state.closed = nil
            return nil
        }
    }

    /// Until when (monotonic ms) `group` must wait: it has spent its second's requests.
    public func mustWait(group: String, now: Int64) -> Int64? {
        state.withLock { state in
            guard let entry = state.remaining[group], entry.left <= 0, now < entry.at + 1000 else { return nil }
            return entry.at + 1000
        }
    }

    public var shouldSlowDown: Bool { state.withLock { $0.remaining.values.contains { $0.left <= 2 } } }

    public var usage: JSONObject {
        state.withLock { state in
            var object = JSONObject()
            for (group, entry) in state.remaining.sorted(by: { $0.key < $1.key }) { object[group] = .int(Int64(entry.left)) }
            return object
        }
    }
}

extension ExchangeError {
    /// Upbit's answers, classified for order safety: 5xx leaves the outcome unknown, 404
    /// `order_not_found` is definitive, a reused `identifier` means an order with it may exist
    /// (so it is resolved by asking for it, never sent again), other 4xx are refusals.
    static func upbit(status: Int, name: String, message: String) -> ExchangeError {
        if status == 418 { return .banned(retryAfterSeconds: 60) }
        if status == 429 { return .rateLimited(retryAfterSeconds: 1) }
        if status >= 500 { return .unknown(reason: "HTTP \(status): \(name) \(message)") }
        if name == "order_not_found" { return .notFound(message: "\(name): \(message)") }
        if name == "duplicated_identifier" { return .unknown(reason: "\(name): an order with this identifier may exist") }
        return .rejected(status: status, code: 0, message: "\(name): \(message)")
    }
}
