import AlphaCore
import AlphaHTTP
import AlphaCrypto
import AlphaJSON
import AlphaWebSocket
import Foundation
import Synchronization

/// How a simulator starts: keys, money, prices.
public struct SimConfiguration: Sendable {
    public var apiKey: String
    public var apiSecret: String
    public var initialBalance = Amount("10000")!
    public var prices: [String: Amount] = ["BTCUSDT": Amount("50000")!, "ETHUSDT": Amount("3000")!]
    /// Milliseconds added to the real clock (a fault: a skewed exchange clock).
    public var clockSkewMilliseconds: Int64 = 0
    /// Binance's limits (exchangeInfo `rateLimits`): request weight per minute, orders per 10 s and per minute.
    public var weightPerMinute = 2400
    public var ordersPerTenSeconds = 300
    public var ordersPerMinute = 1200
    /// 429s within one minute after which the client is banned (418) for two minutes.
    public var violationsBeforeBan = 10
    /// The bearer token of the control API (`/sim/v1/…`).
    public var controlToken = SimConfiguration.randomHex()

    public init(apiKey: String, apiSecret: String) {
        self.apiKey = apiKey
        self.apiSecret = apiSecret
    }

    /// Fresh random keys, 64 hex characters each, like Binance's.
    public static func randomKeys() -> SimConfiguration {
        SimConfiguration(apiKey: randomHex(), apiSecret: randomHex())
    }

    static func randomHex() -> String { Hex.encode(SecureRandom.bytes(32)) }
}

/// The simulator's REST face: Binance's paths, parameters, security and JSON over one
/// `SimExchange`, which is guarded by a mutex (handlers run on several event loops).
public final class SimService: Sendable {
    public let configuration: SimConfiguration
    let state: Mutex<SimState>
    let authenticator: RequestAuthenticator
    let streams = StreamHub()
    /// The exchange clock's offset from real time (a fault can change it while running).
    let clockSkew: ClockSkew

    struct SimState {
        var exchange: SimExchange
        var listenKey: (key: String, expires: Int64)?

        /// The listenKey user events go to, if one is live.
        func liveListenKey(at time: Int64) -> String? {
            guard let listenKey, listenKey.expires > time else { return nil }
            return listenKey.key
        }
        var weight = RequestWeight()
        var orderCount = OrderCount()
        var faults = SimFaults()
        /// Rate-limit answers given, by status (429, 418): a polite client gets few 429s and no 418.
        var refusals: [Int: Int] = [:]
        var candles = SimCandleBook()
        var market: SimMarketState
        var wallet = SimWallet()
    }

    public init(configuration: SimConfiguration) {
        self.configuration = configuration
        let skew = ClockSkew(configuration.clockSkewMilliseconds)
        clockSkew = skew
        state = Mutex(SimState(exchange: SimExchange(prices: configuration.prices, initialBalance: configuration.initialBalance),
                               market: SimMarketState(time: Timestamp.now().millisecondsSinceEpoch)))
        authenticator = RequestAuthenticator(apiKey: configuration.apiKey, apiSecret: configuration.apiSecret,
                                             now: { Timestamp.now().millisecondsSinceEpoch + skew.load() })
    }

    /// WebSocket sessions open on the simulator (user data and market streams).
    public var streamSessionCount: Int { streams.sessionCount }
    /// How many stream sessions follow `stream` ("btcusdt@kline_1m"), for tests that wait for a subscriber.
    public func streamFollowers(_ stream: String) -> Int { streams.followers(of: stream) }

    /// How many 429 (too many requests) and 418 (banned) answers the simulator has given.
    public var rateLimitRefusals: (tooMany: Int, banned: Int) {
        state.withLock { ($0.refusals[429] ?? 0, $0.refusals[418] ?? 0) }
    }

    /// The exchange's clock in milliseconds.
    public func now() -> Int64 { Timestamp.now().millisecondsSinceEpoch + clockSkew.load() }

    /// Runs `body` on the exchange state (tests and the control API use this to read the ledger).
    public func withExchange<T: Sendable>(_ body: (inout SimExchange) throws -> T) rethrows -> T {
        try state.withLock { try body(&$0.exchange) }
    }

    /// The spot wallet as it stands (deposits, withdrawals, balance): the ground truth for funds.
    public var spotWallet: SimWallet { state.withLock { $0.wallet } }

    /// Changes the exchange and streams the resulting order updates to user-data sessions.
    func mutate<T>(_ body: (inout SimExchange, Int64) throws(BinanceError) -> (T, [SimOrderUpdate])) throws(BinanceError) -> T {
        let time = now()
        let (result, events, listenKey) = try state.withLock { state throws(BinanceError) -> (T, [[UInt8]], String?) in
            let (result, updates) = try body(&state.exchange, time)
            // Our fills are market trades too: on the tape and in the candles' volume, at market time.
            for trade in updates.compactMap(\.trade) {
                state.candles.record(symbol: trade.symbol, price: trade.price, quantity: trade.quantity, time: state.market.time)
                _ = state.market.printTrade(symbol: trade.symbol, price: trade.price, quantity: trade.quantity, buyerIsMaker: trade.side == .sell)
            }
            return (result, Self.events(for: updates, in: state.exchange, time: time), state.liveListenKey(at: time))
        }
        publish(events, listenKey: listenKey)
        return result
    }

    /// Moves a symbol's price (the market process and the control API call this). A move with a
    /// `quantity` is a trade between other traders: it is printed on the tape and counted in the
    /// candle's volume.
    public func setPrice(_ price: Amount, for symbol: String, quantity: Amount = .zero) {
        let before = state.withLock { $0.exchange.prices[symbol] }
        _ = try? mutate { exchange, time throws(BinanceError) in ((), exchange.setPrice(price, for: symbol, time: time)) }
        state.withLock { state in
            state.candles.record(symbol: symbol, price: price, quantity: quantity, time: state.market.time)
            if !quantity.isZero {
                _ = state.market.printTrade(symbol: symbol, price: price, quantity: quantity, buyerIsMaker: before.map { price < $0 } ?? false)
            }
        }
    }

    /// The market's clock in milliseconds (see `SimMarketState.time`).
    public func marketNow() -> Int64 { state.withLock { $0.market.time } }

    /// Fills the candle book with `days` of seeded history ending at the current minute (at each
    /// symbol's price), and the tape with the last of its trades.
    public func seedHistory(days: Int, seed: UInt64, volatility: Double) {
        state.withLock { state in
            let end = state.market.time - state.market.time % SimCandleBook.minute
            for (index, name) in state.exchange.symbols.keys.sorted().enumerated() {
                guard let spec = state.exchange.symbols[name], let price = state.exchange.prices[name] else { continue }
                let history = SimHistory.candles(symbol: spec, price: price, end: end, minutes: days * 1440,
                                                 seed: seed &+ UInt64(index) &* 0x9E37_79B9, volatility: volatility)
                state.candles.seed(symbol: name, history: history)
                let marketTime = state.market.time
                for candle in history.suffix(200) {
                    state.market.time = candle.closeTime - 1000
                    let quantity = max(spec.minQuantity, (candle.volume * Amount("0.01")!).rounded(toMultipleOf: spec.stepSize))
                    _ = state.market.printTrade(symbol: name, price: candle.close, quantity: quantity, buyerIsMaker: candle.close < candle.open)
                }
                state.market.time = marketTime
                // As on Binance, the minute in progress exists from its start, at the last close.
                state.candles.record(symbol: name, price: price, time: marketTime)
            }
        }
    }

    /// All routes, ready for an `HTTPServer`.
    public var router: Router {
        var router = Router()
        addMarketRoutes(to: &router)
        addMarketDataRoutes(to: &router)
        addOrderRoutes(to: &router)
        addAlgoRoutes(to: &router)
        addWalletRoutes(to: &router)
        addAccountRoutes(to: &router)
        addStreamRoutes(to: &router)
        addControlRoutes(to: &router)
        router.fallback = { _ in .response(BinanceError(status: 404, code: -1000, "Unknown endpoint.").response) }
        return router
    }

    typealias Endpoint = @Sendable (HTTPRequest, BinanceParameters) throws(BinanceError) -> [UInt8]

    /// Wraps an endpoint with Binance's parameter reading, security check, weight accounting,
    /// armed faults and error JSON. Every response carries `X-MBX-USED-WEIGHT-1M`; new orders
    /// also carry `X-MBX-ORDER-COUNT-10S` and `-1M`.
    func endpoint(_ security: SecurityType, weight: Int, placesOrder: Bool = false, _ body: @escaping Endpoint) -> HTTPHandler {
        endpoint(security, weighing: { _ in weight }, placesOrder: placesOrder, body)
    }

    /// An endpoint whose weight depends on its `limit` (klines, depth): `steps` are (largest
    /// limit, weight) pairs in increasing order; a missing limit counts as `defaultLimit`.
    func endpoint(_ security: SecurityType, weightByLimit steps: [(Int, Int)], defaultLimit: Int, _ body: @escaping Endpoint) -> HTTPHandler {
        endpoint(security, weighing: { request in
            let text = QueryParameters(Substring(request.queryString)).pairs.first { $0.0 == "limit" }?.1
            let limit = text.flatMap { Int($0) } ?? defaultLimit
            return steps.first { limit <= $0.0 }?.1 ?? steps.last?.1 ?? 1
        }, placesOrder: false, body)
    }

    func endpoint(_ security: SecurityType, weighing: @escaping @Sendable (HTTPRequest) -> Int, placesOrder: Bool, _ body: @escaping Endpoint) -> HTTPHandler {
        { [self] request in
            let weight = weighing(request)
            let time = now()
            let path = String(request.path)
            let limits = configuration
            let (used, limited, failure, orderCounts) = state.withLock { state in
                let used = state.weight.add(weight, now: time)
                if state.faults.scheduled("rate_limit") { state.faults.rateLimitedUntil = max(state.faults.rateLimitedUntil, time + 1000) }
                var limited = state.faults.rateLimit(now: time)
                // Only a client's own overruns count towards a ban; a 429 a fault forced on it does not.
                let forced = limited != nil
                var orderCounts: (tenSeconds: Int, minute: Int)?
                if limited == nil && used > limits.weightPerMinute {
                    limited = (BinanceError(status: 429, code: -1003, "Too many requests; current limit is \(limits.weightPerMinute) requests per minute. Please use the websocket for live updates to avoid polling the API."),
                               (60_000 - time % 60_000 + 999) / 1000)
                }
                if limited == nil && placesOrder {
                    let counts = state.orderCount.add(now: time)
                    orderCounts = counts
                    if counts.tenSeconds > limits.ordersPerTenSeconds {
                        limited = (BinanceError(status: 429, code: -1015, "Too many new orders; current limit is \(limits.ordersPerTenSeconds) orders per TEN_SECONDS."),
                                   (10_000 - time % 10_000 + 999) / 1000)
                    } else if counts.minute > limits.ordersPerMinute {
                        limited = (BinanceError(status: 429, code: -1015, "Too many new orders; current limit is \(limits.ordersPerMinute) orders per MINUTE."),
                                   (60_000 - time % 60_000 + 999) / 1000)
                    }
                }
                // A client that keeps going after 429s is banned, as Binance does (2 minutes here).
                if !forced, let (error, _) = limited, error.status == 429,
                   state.weight.violation(now: time) >= limits.violationsBeforeBan {
                    state.faults.bannedUntil = max(state.faults.bannedUntil, time + 120_000)
                }
                return (used, limited, state.faults.failure(for: path), orderCounts)
            }
            if let (error, retryAfter) = limited {
                var response = error.response
                response.setHeader("Retry-After", String(retryAfter))
                response.setHeader("X-MBX-USED-WEIGHT-1M", String(used))
                state.withLock { state in
                    state.refusals[error.status, default: 0] += 1
                    if error.status == 429 { state.faults.bannedUntil = max(state.faults.bannedUntil, state.faults.rateLimitedUntil) }
                }
                return .response(response)
            }
            if let failure { return .response(failure.response) }
            var response: HTTPResponse
            var succeeded = false
            do throws(BinanceError) {
                let parameters = try BinanceParameters(request)
                try authenticator.authenticate(request, parameters, security: security)
                response = .json(bytes: try body(request, parameters))
                succeeded = true
            } catch {
                response = error.response
            }
            response.setHeader("X-MBX-USED-WEIGHT-1M", String(used))
            guard placesOrder else { return .response(response) }
            let (counts, unknown, hang) = state.withLock { state in
                let counts = orderCounts ?? (0, 0)
                guard succeeded else { return (counts, false, nil as Int?) }
                if state.faults.unknownAfterExecute > 0 {
                    state.faults.unknownAfterExecute -= 1
                    return (counts, true, nil)
                }
                if state.faults.scheduled("unknown_after_execute") { return (counts, true, nil) }
                if state.faults.scheduled("hang") { return (counts, false, state.faults.hangMilliseconds) }
                if state.faults.hangingOrders > 0 {
                    state.faults.hangingOrders -= 1
                    return (counts, false, state.faults.hangMilliseconds)
                }
                return (counts, false, nil)
            }
            response.setHeader("X-MBX-ORDER-COUNT-10S", String(counts.tenSeconds))
            response.setHeader("X-MBX-ORDER-COUNT-1M", String(counts.minute))
            if unknown {
                // Executed, but the client is told the outcome is unknown (reference §6, 503 case 1).
                return .response(BinanceError(status: 503, code: -1000, "Unknown error, please check your request or try again later.").response)
            }
            if let hang {
                // Executed, but answered only after the client has given up.
                let delayed = response
                return .offload {
                    usleep(UInt32(min(hang, 120_000)) * 1000)
                    return delayed
                }
            }
            return .response(response)
        }
    }

    /// Writes a JSON document with the streaming writer.
    static func json(_ build: (inout JSONWriter) -> Void) -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        build(&writer)
        return writer.bytes
    }
}

/// Orders placed in the current 10 s and 1 min windows (reported on order responses).
struct OrderCount {
    private var tenSecondWindow: Int64 = 0
    private var minuteWindow: Int64 = 0
    private var inTenSeconds = 0
    private var inMinute = 0

    mutating func add(now: Int64) -> (tenSeconds: Int, minute: Int) {
        if now / 10_000 != tenSecondWindow { tenSecondWindow = now / 10_000; inTenSeconds = 0 }
        if now / 60_000 != minuteWindow { minuteWindow = now / 60_000; inMinute = 0 }
        inTenSeconds += 1
        inMinute += 1
        return (inTenSeconds, inMinute)
    }
}

/// The clock offset, readable from any thread.
final class ClockSkew: Sendable {
    private let milliseconds: Atomic<Int64>

    init(_ value: Int64) { milliseconds = Atomic(value) }

    func load() -> Int64 { milliseconds.load(ordering: .relaxed) }
    func store(_ value: Int64) { milliseconds.store(value, ordering: .relaxed) }
}

/// Request weight used in the current minute (reported on every response), and the 429s given.
struct RequestWeight {
    private var minute: Int64 = 0
    private var used = 0
    private var violations = 0

    /// Counts a 429 in the current minute and returns how many there have been.
    mutating func violation(now: Int64) -> Int {
        _ = add(0, now: now)
        violations += 1
        return violations
    }

    mutating func add(_ weight: Int, now: Int64) -> Int {
        let current = now / 60_000
        if current != minute {
            minute = current
            used = 0
            violations = 0
        }
        used += weight
        return used
    }
}
