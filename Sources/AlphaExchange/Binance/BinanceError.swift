/// How Binance's answers map onto `ExchangeError`: the one place its status codes and error
/// codes are read for order safety.
extension ExchangeError {
    /// Classifies a Binance HTTP answer that is not a success (reference §6–7).
    static func binance(status: Int, code: Int?, message: String, retryAfter: Int?) -> ExchangeError {
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
        if code == -2013 { return .notFound(message: "-2013: \(message)") }
        return .rejected(status: status, code: code ?? 0, message: message)
    }
}
