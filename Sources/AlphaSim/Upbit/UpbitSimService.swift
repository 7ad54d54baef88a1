import AlphaCore
import AlphaHTTP
import AlphaJSON
import Foundation
import Synchronization

/// How an Upbit simulator starts: keys, money, prices.
public struct UpbitSimConfiguration: Sendable {
    public var accessKey: String
    public var secretKey: String
    public var krw = Amount(10_000_000)
    public var prices: [String: Amount] = ["KRW-BTC": Amount(140_000_000), "KRW-ETH": Amount(5_000_000)]
    /// Days of one-minute candles before the start (`/v1/candles`).
    public var historyDays = 2
    public var seed: UInt64 = 1
    /// The bearer token of the control API (`/sim/v1/…`).
    public var controlToken = SimConfiguration.randomHex()

    public init(accessKey: String, secretKey: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
    }

    public static func randomKeys() -> UpbitSimConfiguration {
        UpbitSimConfiguration(accessKey: SimConfiguration.randomHex(), secretKey: SimConfiguration.randomHex())
    }

    static let names = ["KRW-BTC": ("비트코인", "Bitcoin"), "KRW-ETH": ("이더리움", "Ethereum")]
}

/// Upbit's REST face over one `UpbitSpotExchange` (issue 18): its paths, parameters (query, or
/// pyupbit's bodies), JWT checks, JSON shapes and error names, a `Remaining-Req` header on every
/// answer, so third-party Upbit clients work against it with only their base URL changed.
/// Exchange figures are decimal strings, quotation figures JSON numbers, as Upbit sends them.
public final class UpbitSimService: Sendable {
    public let configuration: UpbitSimConfiguration
    struct State {
        var exchange: UpbitSpotExchange
        var authenticator: UpbitAuthenticator
        var candles: SimCandleBook
        var faults = UpbitFaults()
        var budget = UpbitRequestBudget()
        /// 429s given for requests past a group's limit (not those a fault forced).
        var refusals = 0
        /// How far the market's clock is ahead of the wall clock (tests move it by hours).
        var marketOffset: Int64 = 0
    }
    let state: Mutex<State>
    let streams = UpbitStreamHub()

    public init(configuration: UpbitSimConfiguration, now: Int64 = Timestamp.now().millisecondsSinceEpoch) {
        self.configuration = configuration
        var candles = SimCandleBook()
        for (market, price) in configuration.prices {
            let spec = SimSymbol(name: market, baseAsset: UpbitSpotExchange.coin(of: market), quoteAsset: "KRW",
                                 tickSize: UpbitKRWMarket.priceUnit(at: price), stepSize: Amount("0.00000001")!, minQuantity: Amount("0.00000001")!,
                                 maxQuantity: Amount(1_000_000), minNotional: UpbitKRWMarket.minimumOrderValue, pricePrecision: 0, quantityPrecision: 8)
            candles.seed(symbol: market, history: SimHistory.candles(symbol: spec, price: price, end: now - now % 60_000, minutes: configuration.historyDays * 1440,
                                                 seed: configuration.seed &+ UInt64(market.utf8.reduce(0) { $0 &* 31 &+ Int($1) }), volatility: 0.8))
        }
        state = Mutex(State(exchange: UpbitSpotExchange(prices: configuration.prices, krw: configuration.krw),
                            authenticator: UpbitAuthenticator(keys: [configuration.accessKey: configuration.secretKey]), candles: candles))
    }

    public func withExchange<Result>(_ body: (inout UpbitSpotExchange) -> Result) -> Result { state.withLock { body(&$0.exchange) } }

    /// Request and order times: the wall clock (clients sign with it).
    func now() -> Int64 { Timestamp.now().millisecondsSinceEpoch }

    /// The market's clock, which candles and tickers are on: the wall clock, unless a test or the
    /// control API moved it ahead to make hours pass in seconds.
    public func marketNow() -> Int64 { now() + state.withLock { $0.marketOffset } }

    /// Moves the market's clock ahead; every market's minutes up to then are flat candles at its
    /// price (as on Upbit, a minute without trades repeats the last price).
    public func advanceMarket(milliseconds: Int64) {
        let time = now()
        state.withLock { state in
            state.marketOffset += max(0, milliseconds)
            for market in state.exchange.prices.keys { Self.extendCandles(&state, market: market, to: time + state.marketOffset) }
        }
    }

    /// The candle book brought up to `time`: a minute in which the price did not move is a flat
    /// candle at it, as on Upbit, so the newest candles are always the current minute's.
    static func extendCandles(_ state: inout State, market: String, to time: Int64) {
        guard let price = state.exchange.prices[market], let last = state.candles.current(symbol: market)?.openTime else { return }
        var minute = last + SimCandleBook.minute
        while minute <= time {
            state.candles.record(symbol: market, price: price, time: minute)
            minute += SimCandleBook.minute
        }
    }

    /// Moves a market's price (the control API and tests); resting orders it reaches fill.
    public func setPrice(_ price: Amount, market: String) {
        let time = now()
        state.withLock { state in
            let marketTime = time + state.marketOffset
            Self.extendCandles(&state, market: market, to: marketTime)
            state.exchange.setPrice(price, market: market, time: time)
            state.candles.record(symbol: market, price: price, time: marketTime)
        }
        publishChanges()
    }

    /// Private WebSocket sessions open (tests wait for a subscriber).
    public var streamSessionCount: Int { streams.count }
    public var orderStreamCount: Int { streams.orderSubscriberCount }

    public var router: Router {
        var router = Router()
        addQuotationRoutes(to: &router)
        addExchangeRoutes(to: &router)
        addStreamRoutes(to: &router)
        router.post("/sim/v1/price", control { [self] body throws(HTTPRequestRejection) in
            guard case .string(let market)? = body["market"], case .string(let text)? = body["price"], let price = Amount(text), price > .zero else {
                throw HTTPRequestRejection(.error(.badRequest, code: "bad_request", message: "send {\"market\":\"KRW-BTC\",\"price\":\"140000000\"}"))
            }
            guard withExchange({ $0.prices[market] }) != nil else { throw HTTPRequestRejection(.error(.badRequest, code: "bad_request", message: "unknown market \(market)")) }
            setPrice(price, market: market)
            return .response(.json(.object(["market": .string(market), "price": .string(price.description)])))
        })
        router.post("/sim/v1/market/advance", control { [self] body throws(HTTPRequestRejection) in
            guard case .number(let text)? = body["minutes"], let minutes = Int64(text), (1...100_000).contains(minutes) else {
                throw HTTPRequestRejection(.error(.badRequest, code: "bad_request", message: "send {\"minutes\": N} with N from 1 to 100000"))
            }
            advanceMarket(milliseconds: minutes * 60_000)
            return .response(.json(.object(["marketTime": .string(Timestamp(millisecondsSinceEpoch: marketNow()).iso8601)])))
        })
        router.post("/sim/v1/faults", control { [self] body throws(HTTPRequestRejection) in try armFault(body) })
        router.delete("/sim/v1/faults", control { [self] _ in
            state.withLock { $0.faults = UpbitFaults() }
            return .response(.json(.object([:])))
        })
        router.fallback = { _ in Self.answer(UpbitAPIError(404, "not_found", "Not found")) }
        return router
    }

    // MARK: Faults

    /// `{"fault": kind, "count": N}` arms N of one kind (hang also takes `milliseconds`);
    /// `{"fault": "schedule", "seed": 7, "probability": "0.2", "kinds": [...], "milliseconds": 2500}`
    /// draws the kinds on every request, order and stream message.
    func armFault(_ body: JSONObject) throws(HTTPRequestRejection) -> HTTPReply {
        func reject(_ message: String) -> HTTPRequestRejection { HTTPRequestRejection(.error(.badRequest, code: "bad_request", message: message)) }
        func number(_ key: String, default value: Int) throws(HTTPRequestRejection) -> Int {
            guard let field = body[key] else { return value }
            guard case .number(let text) = field, let number = Int(text), number > 0 else { throw reject("\(key) must be a positive whole number") }
            return number
        }
        let kinds = UpbitFaults.schedulable.sorted().joined(separator: ", ")
        guard case .string(let fault)? = body["fault"] else { throw reject("send {\"fault\": one of \(kinds) or schedule, \"count\": N}") }
        let hang = try number("milliseconds", default: 30_000)
        if fault == "schedule" {
            guard case .number(let seedText)? = body["seed"], let seed = UInt64(seedText) else { throw reject("seed must be a whole number") }
            guard case .string(let text)? = body["probability"], let probability = Double(text), (0...1).contains(probability) else {
                throw reject("probability must be a string between \"0\" and \"1\"")
            }
            guard case .array(let list)? = body["kinds"] else { throw reject("kinds must be a list of \(kinds)") }
            var chosen: Set<String> = []
            for item in list {
                guard case .string(let kind) = item, UpbitFaults.schedulable.contains(kind) else { throw reject("kinds must be a list of \(kinds)") }
                chosen.insert(kind)
            }
            state.withLock {
                $0.faults.schedule = SimFaults.Schedule(seed: seed, probability: probability, kinds: chosen)
                $0.faults.hangMilliseconds = hang
            }
            return .response(.json(.object(["fault": "schedule", "kinds": .array(chosen.sorted().map { .string($0) })])))
        }
        let count = try number("count", default: 1)
        let armed = state.withLock { state -> Bool in
            switch fault {
            case "unknown_after_execute": state.faults.unknownAfterExecute += count
            case "http_5xx": state.faults.failing += count
            case "rate_limit": state.faults.rateLimited += count
            case "hang": state.faults.hanging += count; state.faults.hangMilliseconds = hang
            case "drop_events": state.faults.droppedMessages += count
            default: return false
            }
            return true
        }
        guard armed else { throw reject("unknown fault \(fault); one of \(kinds) or schedule") }
        return .response(.json(.object(["fault": .string(fault), "count": .int(Int64(count))])))
    }

    // MARK: Answers

    /// Every answer carries `Remaining-Req` (pyupbit fails without one) and is JSON, errors too.
    /// `min` is fixed and unused by Upbit (pyupbit reads it all the same); `sec` is what is left of the second.
    static func answer(_ value: JSONValue, status: HTTPStatus = .ok, group: String = "default", remaining: Int = 0) -> HTTPReply {
        var response = HTTPResponse.json(value, status: status)
        response.setHeader("Remaining-Req", "group=\(group); min=1800; sec=\(remaining)")
        return .response(response)
    }

    static func answer(_ error: UpbitAPIError, group: String = "default", remaining: Int = 0) -> HTTPReply {
        let reason = switch error.status {
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500...: "Internal Server Error"
        default: "Bad Request"
        }
        return answer(.object(error.json), status: HTTPStatus(error.status, reason), group: group, remaining: remaining)
    }

    typealias Endpoint = @Sendable (UpbitParameters) throws(UpbitAPIError) -> (JSONValue, HTTPStatus)

    /// A private endpoint: parameters read, the token checked, then `body`.
    func exchange(group: String = "default", _ body: @escaping Endpoint) -> HTTPHandler {
        { [self] request in
            guard let remaining = spend(group) else { return Self.answer(UpbitFaults.tooManyRequests, group: group) }
            do throws(UpbitAPIError) {
                let (limited, failing) = state.withLock { ($0.faults.strikes("rate_limit"), $0.faults.strikes("http_5xx")) }
                if limited { throw UpbitFaults.tooManyRequests }
                if failing { throw UpbitFaults.serverError }
                let parameters = try UpbitParameters(request)
                let header = request.headers["authorization"]
                _ = try state.withLock { state throws(UpbitAPIError) in try state.authenticator.authenticate(authorization: header, parameters: parameters) }
                let (value, status) = try body(parameters)
                let answer = Self.answer(value, status: status, group: group, remaining: remaining)
                guard group == "order", request.method == "POST" else { return answer }
                let (lost, hang) = state.withLock { ($0.faults.strikes("unknown_after_execute"), $0.faults.strikes("hang") ? $0.faults.hangMilliseconds : nil) }
                // Done, and then the answer is lost: the client cannot know the order went through.
                if lost { throw UpbitFaults.serverError }
                // Done, and answered only after the client has given up.
                if let hang, case .response(let response) = answer {
                    return .offload {
                        usleep(UInt32(min(hang, 120_000)) * 1000)
                        return response
                    }
                }
                return answer
            } catch {
                return Self.answer(error, group: group, remaining: remaining)
            }
        }
    }

    /// A public endpoint: no token.
    func quotation(group: String, _ body: @escaping Endpoint) -> HTTPHandler {
        { [self] request in
            guard let remaining = spend(group) else { return Self.answer(UpbitFaults.tooManyRequests, group: group) }
            do throws(UpbitAPIError) {
                let (value, status) = try body(try UpbitParameters(request))
                return Self.answer(value, status: status, group: group, remaining: remaining)
            } catch {
                return Self.answer(error, group: group, remaining: remaining)
            }
        }
    }

    /// Counts a request against its group's second; nil (and a refusal counted) when none is left.
    func spend(_ group: String) -> Int? {
        let time = now()
        return state.withLock { state in
            let left = state.budget.spend(group, now: time)
            if left == nil { state.refusals += 1 }
            return left
        }
    }

    /// Requests refused for passing a group's limit: a polite client gets none.
    public var rateLimitRefusals: Int { state.withLock { $0.refusals } }

    func control(_ body: @escaping @Sendable (JSONObject) throws(HTTPRequestRejection) -> HTTPReply) -> HTTPHandler {
        { [self] request in
            guard request.headers["authorization"] == "Bearer \(configuration.controlToken)" else {
                return .response(.error(.unauthorized, code: "unauthorized", message: "send Authorization: Bearer <control token>"))
            }
            do throws(HTTPRequestRejection) {
                return try body(request.body.isEmpty ? JSONObject() : try request.jsonObject())
            } catch {
                return .response(error.response)
            }
        }
    }

    // MARK: JSON

    /// Upbit's order times: ISO-8601 in KST, "2026-12-07T23:00:00+09:00".
    static func kst(_ milliseconds: Int64) -> String {
        String(Timestamp(millisecondsSinceEpoch: milliseconds + 9 * 3_600_000).iso8601.prefix(19)) + "+09:00"
    }

    static func text(_ amount: Amount) -> JSONValue { .string(amount.description) }

    static func json(_ order: UpbitOrder, trades withTrades: Bool = false) -> JSONValue {
        var object: JSONObject = [
            "uuid": .string(order.uuid), "side": .string(order.side.rawValue), "ord_type": .string(order.kind.rawValue),
            "price": order.price.map(text) ?? .null, "state": .string(order.state.rawValue), "market": .string(order.market),
            "created_at": .string(kst(order.createdAt)), "volume": order.volume.map(text) ?? .null,
            "remaining_volume": order.remainingVolume.map(text) ?? .null, "reserved_fee": text(order.reservedFee),
            "remaining_fee": text(order.remainingFee), "paid_fee": text(order.paidFee), "locked": text(order.locked),
            "executed_volume": text(order.executedVolume), "executed_funds": text(order.executedFunds),
            "trades_count": .int(Int64(order.trades.count)), "prevented_volume": "0", "prevented_locked": "0",
        ]
        if let identifier = order.identifier { object["identifier"] = .string(identifier) }
        if let tif = order.timeInForce { object["time_in_force"] = .string(tif) }
        if withTrades {
            object["trades"] = .array(order.trades.map { trade in
                .object(["market": .string(trade.market), "uuid": .string(trade.uuid), "price": text(trade.price), "volume": text(trade.volume),
                         "funds": text(trade.funds), "trend": .string(trade.side == .bid ? "up" : "down"),
                         "created_at": .string(kst(trade.time)), "side": .string(trade.side.rawValue)])
            })
        }
        return .object(object)
    }

    static func json(_ currency: String, _ holding: UpbitHolding) -> JSONValue {
        .object(["currency": .string(currency), "balance": text(holding.balance), "locked": text(holding.locked),
                 "avg_buy_price": text(holding.averageBuyPrice), "avg_buy_price_modified": .bool(false), "unit_currency": "KRW"])
    }
}
