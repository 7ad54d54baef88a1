/// Faults the Upbit simulator's control API can switch on (`POST /sim/v1/faults`), to test how a
/// client copes with Upbit on a bad day. Each applies to the next `count` matching requests.
struct UpbitFaults: Sendable {
    /// New orders that are placed (and filled if they can be), then answered 500: the outcome is
    /// unknown to the client, which must find the order by its identifier, not send it again.
    var unknownAfterExecute = 0
    /// Exchange requests refused with 500 before anything is done.
    var failing = 0
    /// Requests refused with 429 `too_many_requests` (then served again).
    var rateLimited = 0

    static let serverError = UpbitAPIError(500, "server_error", "요청을 처리하는 중 오류가 발생했습니다.")
    static let tooManyRequests = UpbitAPIError(429, "too_many_requests", "Too many API requests.")

    /// Counts one down when it is armed.
    static func take(_ count: inout Int) -> Bool {
        guard count > 0 else { return false }
        count -= 1
        return true
    }
}
