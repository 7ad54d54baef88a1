/// How an exchange request failed, classified for order safety (DESIGN §6, reference §6–7).
public enum ExchangeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The exchange answered and refused: the request had no effect (a rejected order does not exist).
    /// `code` is the venue's own error code.
    case rejected(status: Int, code: Int, message: String)
    /// The exchange does not know the order asked about (Binance -2013): definitive.
    case notFound(message: String)
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
        case .rejected(let status, let code, let message): "the exchange refused (\(status), \(code)): \(message)"
        case .notFound(let message): "no such order on the exchange: \(message)"
        case .unknown(let reason): "outcome unknown: \(reason)"
        case .notSent(let reason): "not sent: \(reason)"
        case .rateLimited(let seconds): "rate limited; retry after \(seconds) s"
        case .banned(let seconds): "banned; retry after \(seconds) s"
        }
    }

    /// Whether the request certainly had no effect on the exchange.
    public var isDefinitive: Bool {
        switch self {
        case .rejected, .notFound, .notSent, .rateLimited, .banned: true
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
        case .unknown, .notFound: false
        }
    }

    /// The exchange does not know the order.
    public var isNotFound: Bool { if case .notFound = self { true } else { false } }
}
