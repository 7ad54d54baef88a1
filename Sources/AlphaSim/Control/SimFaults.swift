/// Faults the control API can switch on, to test how a client copes with what a real exchange
/// does on a bad day. Counted faults apply to the next N matching requests or events.
public struct SimFaults: Sendable, Equatable {
    /// Requests whose path starts with `path` get HTTP `status` (503 "Service Unavailable." or 500).
    public var failing: [(path: String, status: Int, remaining: Int)] = []
    /// New orders that execute, then answer 503 "Unknown error…" (the status-unknown case).
    public var unknownAfterExecute = 0
    /// New orders that execute, then answer only after this many milliseconds (a client times out first).
    public var hangingOrders = 0
    public var hangMilliseconds = 30_000
    /// Until this time (ms) every request gets 429 with Retry-After; a request while limited bans.
    public var rateLimitedUntil: Int64 = 0
    public var bannedUntil: Int64 = 0
    /// User-data events to drop, and a delay for the rest.
    public var droppedEvents = 0
    public var eventDelayMilliseconds = 0
    /// Deliver the events of each change in reverse order.
    public var reorderEvents = false

    /// Faults drawn at random from a seed: each order request, REST request or user event rolls
    /// once, so the same seed and the same traffic give the same faults (a reproducible bad day).
    public var schedule: Schedule?

    public struct Schedule: Sendable {
        public var probability: Double
        public var kinds: Set<String>
        var random: SplitMix64

        public init(seed: UInt64, probability: Double, kinds: Set<String>) {
            self.probability = probability
            self.kinds = kinds
            random = SplitMix64(seed: seed)
        }

        /// Rolls for `kind` if it is scheduled.
        mutating func roll(_ kind: String) -> Bool {
            guard kinds.contains(kind) else { return false }
            return random.nextUnit() < probability
        }
    }

    public init() {}

    /// A scheduled fault for this request or event, if the dice say so.
    mutating func scheduled(_ kind: String) -> Bool { schedule?.roll(kind) ?? false }

    public static func == (lhs: SimFaults, rhs: SimFaults) -> Bool {
        lhs.failing.map { "\($0.path)|\($0.status)|\($0.remaining)" } == rhs.failing.map { "\($0.path)|\($0.status)|\($0.remaining)" }
            && lhs.unknownAfterExecute == rhs.unknownAfterExecute && lhs.hangingOrders == rhs.hangingOrders
            && lhs.rateLimitedUntil == rhs.rateLimitedUntil && lhs.bannedUntil == rhs.bannedUntil
            && lhs.droppedEvents == rhs.droppedEvents && lhs.eventDelayMilliseconds == rhs.eventDelayMilliseconds
            && lhs.reorderEvents == rhs.reorderEvents && (lhs.schedule == nil) == (rhs.schedule == nil)
    }

    /// The forced failure for a request to `path`, if one is armed (and counts it).
    mutating func failure(for path: String) -> BinanceError? {
        if path.hasPrefix("/fapi/"), scheduled("http_5xx") { return BinanceError(status: 503, code: -1001, "Service Unavailable.") }
        guard let index = failing.firstIndex(where: { path.hasPrefix($0.path) && $0.remaining > 0 }) else { return nil }
        failing[index].remaining -= 1
        let status = failing[index].status
        return status == 503
            ? BinanceError(status: 503, code: -1001, "Service Unavailable.")
            : BinanceError(status: status, code: -1000, "An unknown error occured while processing the request.")
    }

    /// 418 while banned; 429 while limited (and a request then turns the limit into a ban, as
    /// repeated violations do on Binance).
    mutating func rateLimit(now: Int64) -> (BinanceError, retryAfterSeconds: Int64)? {
        if now < bannedUntil {
            return (BinanceError(status: 418, code: -1003, "Way too many requests; IP banned until \(bannedUntil). Please use the websocket for live updates to avoid bans."),
                    (bannedUntil - now + 999) / 1000)
        }
        if now < rateLimitedUntil {
            let retry = (rateLimitedUntil - now + 999) / 1000
            return (BinanceError(status: 429, code: -1003, "Too many requests; current limit is 2400 requests per minute. Please use the websocket for live updates to avoid polling the API."), retry)
        }
        return nil
    }
}
