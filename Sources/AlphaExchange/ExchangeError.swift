/// How an exchange request failed, classified for order safety (DESIGN §6, reference §6–7).
public enum ExchangeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Binance answered and refused: the request had no effect (a rejected order does not exist).
    case rejected(status: Int, code: Int, message: String)
    /// The outcome is unknown: it may have executed (timeouts after sending, 5xx other than the
    /// documented definite failures, -1006/-1007, 503 "Unknown error…"). Resolve by querying.
    case unknown(reason: String)
    /// The request surely never reached Binance (connection refused, DNS): safe to retry.
    case notSent(reason: String)
    /// 429: wait `retryAfterSeconds` before the next request.
    case rateLimited(retryAfterSeconds: Int)
    /// 418: no requests until the ban ends.
    case banned(retryAfterSeconds: Int)

    public var description: String {
        switch self {
        case .rejected(let status, let code, let message): "Binance refused (\(status), \(code)): \(message)"
        case .unknown(let reason): "outcome unknown: \(reason)"
        case .notSent(let reason): "not sent: \(reason)"
        case .rateLimited(let seconds): "rate limited; retry after \(seconds) s"
        case .banned(let seconds): "banned; retry after \(seconds) s"
        }
    }

    /// Whether the request certainly had no effect on the exchange.
    public var isDefinitive: Bool {
        switch self {
        case .rejected, .notSent, .rateLimited, .banned: true
        case .unknown: false
        }
    }

    /// Whether the request surely had no effect and the reason is passing, so sending it again
    /// later is safe and wise (UC-04: back off and retry): unreachable, held back by a 429/418
    /// (reference §7), or a 5xx that Binance documents as not executed (503 "Service Unavailable.", -1001).
    public var isRetryableLater: Bool {
        switch self {
        case .notSent, .rateLimited, .banned: true
        case .rejected(let status, _, _): status >= 500
        case .unknown: false
        }
    }

    /// The exchange does not know the order (Binance -2013).
    public var isNotFound: Bool { if case .rejected(_, -2013, _) = self { true } else { false } }

    /// Classifies an HTTP answer that is not a success.
    static func classify(status: Int, code: Int?, message: String, retryAfter: Int?) -> ExchangeError {
        if status == 418 { return .banned(retryAfterSeconds: retryAfter ?? 120) }
        if status == 429 { return .rateLimited(retryAfterSeconds: retryAfter ?? 60) }
        if status >= 500 {
            // Reference §6: 503 "Service Unavailable." and -1001 are failures (nothing executed);
            // every other 5xx, notably 503 "Unknown error…", leaves the outcome unknown.
            if message == "Service Unavailable." || code == -1001 {
                return .rejected(status: status, code: code ?? 0, message: message)
            }
            return .unknown(reason: "HTTP \(status): \(message)")
        }
        if let code, code == -1006 || code == -1007 { return .unknown(reason: "\(code): \(message)") }
        return .rejected(status: status, code: code ?? 0, message: message)
    }
}
