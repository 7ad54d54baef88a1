/// Faults the Upbit simulator's control API can switch on (`POST /sim/v1/faults`), to test how a
/// client copes with Upbit on a bad day. Each applies to the next `count` matching requests, or,
/// scheduled, to each request, order or stream message with a seeded probability (the same seed
/// and traffic give the same faults, as on the Binance simulator).
struct UpbitFaults: Sendable {
    /// New orders that are placed (and filled if they can be), then answered 500: the outcome is
    /// unknown to the client, which must find the order by its identifier, not send it again.
    var unknownAfterExecute = 0
    /// Exchange requests refused with 500 before anything is done.
    var failing = 0
    /// Requests refused with 429 `too_many_requests` (then served again).
    var rateLimited = 0
    /// New orders that are placed, then answered only after `hangMilliseconds` (the client gives up first).
    var hanging = 0
    var hangMilliseconds = 30_000
    /// Private-stream order messages never sent (the client learns the change over REST).
    var droppedMessages = 0
    var schedule: SimFaults.Schedule?

    /// The kinds a schedule may draw.
    static let schedulable: Set<String> = ["http_5xx", "unknown_after_execute", "hang", "rate_limit", "drop_events"]

    /// Whether `kind` strikes now: a counted fault first, else the schedule's dice.
    mutating func strikes(_ kind: String) -> Bool {
        let counted: Bool = switch kind {
        case "http_5xx": Self.take(&failing)
        case "unknown_after_execute": Self.take(&unknownAfterExecute)
        case "hang": Self.take(&hanging)
        case "rate_limit": Self.take(&rateLimited)
        case "drop_events": Self.take(&droppedMessages)
        default: false
        }
        return counted || (schedule?.roll(kind) ?? false)
    }

    static let serverError = UpbitAPIError(500, "server_error", "요청을 처리하는 중 오류가 발생했습니다.")
    static let tooManyRequests = UpbitAPIError(429, "too_many_requests", "Too many API requests.")

    /// Counts one down when it is armed.
    static func take(_ count: inout Int) -> Bool {
        guard count > 0 else { return false }
        count -= 1
        return true
    }
}
