import Synchronization

/// Limits failed logins per user name and per client address, in a sliding window, before any
/// password is checked: a guesser gets 429 with Retry-After and no answer about the password,
/// and the slow KDF is not run for them. A success clears that user's failures.
public final class LoginThrottle: Sendable {
    public struct Limits: Sendable {
        public var failuresPerUser = 5
        public var failuresPerAddress = 20
        public var windowSeconds: Int64 = 900
        /// Keys remembered at most; beyond it the stalest are forgotten (memory stays bounded
        /// under a spray of made-up names).
        public var maxKeys = 10_000

        public init() {}
    }

    private let limits: Limits
    private let failures = Mutex<[String: [Int64]]>([:])

    public init(limits: Limits = Limits()) { self.limits = limits }

    /// Seconds to wait before this user or address may try again; nil when they may try now.
    func retryAfter(user: String, address: String, now: Int64) -> Int64? {
        failures.withLock { failures in
            let checks = [(Self.userKey(user), limits.failuresPerUser), (Self.addressKey(address), limits.failuresPerAddress)]
            var wait: Int64?
            for (key, limit) in checks {
                let recent = (failures[key] ?? []).filter { $0 > now - limits.windowSeconds }
                failures[key] = recent.isEmpty ? nil : recent
                if recent.count >= limit, let oldest = recent.first {
                    wait = max(wait ?? 0, oldest + limits.windowSeconds - now)
                }
            }
            return wait
        }
    }

    func recordFailure(user: String, address: String, now: Int64) {
        failures.withLock { failures in
            // Room for the two keys this failure may add.
            while failures.count > limits.maxKeys - 2 {
                guard let stalest = failures.min(by: { ($0.value.last ?? 0) < ($1.value.last ?? 0) })?.key else { break }
                failures.removeValue(forKey: stalest)
            }
            failures[Self.userKey(user), default: []].append(now)
            failures[Self.addressKey(address), default: []].append(now)
        }
    }

    func recordSuccess(user: String) {
        _ = failures.withLock { $0.removeValue(forKey: Self.userKey(user)) }
    }

    private static func userKey(_ user: String) -> String { "user:" + user.lowercased() }
    private static func addressKey(_ address: String) -> String { "addr:" + address }
}
