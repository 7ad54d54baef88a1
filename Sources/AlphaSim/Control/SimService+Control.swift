import AlphaCore
import AlphaHTTP
import AlphaJSON
import Foundation

/// The control API, plainly not Binance's: `/sim/v1/…` with `Authorization: Bearer <token>`.
/// Tests and demos use it to read the exchange's own ledger (the ground truth), move prices,
/// simulate outside activity and switch faults on.
extension SimService {
    func addControlRoutes(to router: inout Router) {
        router.get("/sim/v1/ledger", control { [self] _ in .response(.json(bytes: ledgerJSON())) })
        router.post("/sim/v1/price", control { [self] body throws(HTTPRequestRejection) in
            let symbol = try Self.text(body, "symbol")
            let price = try Self.amount(body, "price")
            guard withExchange({ $0.symbols[symbol] }) != nil else { throw Self.reject("unknown symbol \(symbol)") }
            setPrice(price, for: symbol)
            return .response(.json(.object(["symbol": .string(symbol), "price": .string(price.description)])))
        })
        router.post("/sim/v1/deposit", control { [self] body throws(HTTPRequestRejection) in
            let amount = try Self.amount(body, "amount")
            // "spot" (the default elsewhere) lands in the spot wallet as a deposit; "futures" credits the futures wallet directly.
            if case .string("spot")? = body["wallet"] {
                let time = now()
                let deposit = state.withLock { $0.wallet.deposit(amount, time: time) }
                return .response(.json(.object(["id": .string(deposit.id), "spotBalance": .string(state.withLock { $0.wallet.spotBalance }.description)])))
            }
            deposit(amount)
            return .response(.json(.object(["walletBalance": .string(withExchange { $0.ledger.walletBalance }.description)])))
        })
        router.post("/sim/v1/order", control { [self] body throws(HTTPRequestRejection) in
            // An order placed by hand on the exchange's own UI: the client id is Binance's web style.
            // MARKET by default; {"type":"LIMIT","price":"…"} rests on the book (GTC).
            let symbol = try Self.text(body, "symbol")
            guard let side = OrderSide(rawValue: try Self.text(body, "side")) else { throw Self.reject("side must be BUY or SELL") }
            let quantity = try Self.amount(body, "quantity")
            let limit: Amount?
            switch body["type"] {
            case nil, .string("MARKET")?: limit = nil
            case .string("LIMIT")?: limit = try Self.amount(body, "price")
            default: throw Self.reject("type must be MARKET or LIMIT")
            }
            let clientOrderId = "web_" + String(SimConfiguration.randomHex().prefix(16))
            do throws(BinanceError) {
                let order = try mutate { exchange, time throws(BinanceError) in
                    let request = NewOrderRequest(symbol: symbol, side: side, kind: limit == nil ? .market : .limit,
                                                  timeInForce: limit == nil ? nil : .gtc, quantity: quantity, price: limit, clientOrderId: clientOrderId)
                    let updates = try exchange.place(request, time: time)
                    return (updates[updates.count - 1].order, updates)
                }
                return .response(.json(.object(["orderId": .int(order.orderId), "clientOrderId": .string(order.clientOrderId),
                                                 "status": .string(order.status.rawValue)])))
            } catch {
                throw Self.reject("the exchange refused the order: \(error)")
            }
        })
        router.post("/sim/v1/withdraw", control { [self] body throws(HTTPRequestRejection) in
            // Money taken out of the futures wallet by hand (moved to spot in the exchange's app).
            let amount = try Self.amount(body, "amount")
            guard withExchange({ $0.availableBalance }) >= amount else { throw Self.reject("the futures wallet has less than \(amount) available") }
            deposit(-amount, reason: "WITHDRAW")
            return .response(.json(.object(["walletBalance": .string(withExchange { $0.ledger.walletBalance }.description)])))
        })
        router.post("/sim/v1/funding", control { [self] body throws(HTTPRequestRejection) in
            let rate = try Self.amount(body, "rate", allowNegative: true)
            fund(rate: rate)
            return .response(.json(.object(["rate": .string(rate.description)])))
        })
        router.post("/sim/v1/faults", control { [self] body throws(HTTPRequestRejection) in
            try arm(body)
            return .response(.json(.object(["ok": true])))
        })
        router.delete("/sim/v1/faults", control { [self] _ in
            state.withLock { $0.faults = SimFaults() }
            return .response(.json(.object(["ok": true])))
        })
        router.post("/sim/v1/streams/drop", control { [self] _ in
            let dropped = streams.dropAll()
            return .response(.json(.object(["dropped": .int(Int64(dropped))])))
        })
        addMarketControlRoutes(to: &router)
        router.post("/sim/v1/listenKey/expire", control { [self] _ in
            expireListenKey()
            return .response(.json(.object(["ok": true])))
        })
    }

    /// Checks the bearer token and parses the JSON body (an empty body is `{}`).
    func control(_ body: @escaping @Sendable (JSONObject) throws(HTTPRequestRejection) -> HTTPReply) -> HTTPHandler {
        controlRequest({ request throws(HTTPRequestRejection) in
            try body(request.body.isEmpty ? JSONObject() : try request.jsonObject())
        })
    }

    /// Checks the bearer token and hands over the request as it came (for bodies that are not JSON).
    func controlRequest(_ body: @escaping @Sendable (HTTPRequest) throws(HTTPRequestRejection) -> HTTPReply) -> HTTPHandler {
        { [self] request in
            guard let header = request.headers["authorization"], header == "Bearer \(configuration.controlToken)" else {
                return .response(.error(.unauthorized, code: "unauthorized", message: "send Authorization: Bearer <control token>"))
            }
            do throws(HTTPRequestRejection) {
                return try body(request)
            } catch {
                return .response(error.response)
            }
        }
    }

    static func reject(_ message: String) -> HTTPRequestRejection {
        HTTPRequestRejection(.error(.badRequest, code: "bad_request", message: message))
    }

    private static func text(_ body: JSONObject, _ field: String) throws(HTTPRequestRejection) -> String {
        guard case .string(let value)? = body[field], !value.isEmpty else { throw reject("\(field) must be a non-empty string") }
        return value
    }

    private static func amount(_ body: JSONObject, _ field: String, allowNegative: Bool = false) throws(HTTPRequestRejection) -> Amount {
        guard case .string(let text)? = body[field], let value = Amount(text), allowNegative || !value.isNegative else {
            throw reject("\(field) must be a decimal string such as \"100.5\"")
        }
        return value
    }

    private static func count(_ body: JSONObject, _ field: String, default fallback: Int) throws(HTTPRequestRejection) -> Int {
        guard let value = body[field] else { return fallback }
        guard case .number(let text) = value, let number = Int(text), number >= 0 else { throw reject("\(field) must be a whole number ≥ 0") }
        return number
    }

    /// `{"fault": "<name>", …}` — one of: http_5xx {path, status, count}, unknown_after_execute {count},
    /// hang {count, milliseconds}, rate_limit {seconds}, ban {seconds}, drop_events {count},
    /// delay_events {milliseconds}, reorder_events, clock_skew {milliseconds}, and schedule {seed,
    /// probability, kinds, milliseconds}: each request, order or event batch rolls for each kind.
    private func arm(_ body: JSONObject) throws(HTTPRequestRejection) {
        let fault = try Self.text(body, "fault")
        let count = try Self.count(body, "count", default: 1)
        let time = now()
        switch fault {
        case "http_5xx":
            let path = (try? Self.text(body, "path")) ?? "/fapi/"
            let status = try Self.count(body, "status", default: 503)
            guard (500...599).contains(status) else { throw Self.reject("status must be 5xx") }
            state.withLock { $0.faults.failing.append((path, status, count)) }
        case "unknown_after_execute":
            state.withLock { $0.faults.unknownAfterExecute += count }
        case "hang":
            let milliseconds = try Self.count(body, "milliseconds", default: 30_000)
            state.withLock {
                $0.faults.hangingOrders += count
                $0.faults.hangMilliseconds = milliseconds
            }
        case "rate_limit":
            let seconds = Int64(try Self.count(body, "seconds", default: 5))
            state.withLock { $0.faults.rateLimitedUntil = time + seconds * 1000 }
        case "ban":
            let seconds = Int64(try Self.count(body, "seconds", default: 120))
            state.withLock { $0.faults.bannedUntil = time + seconds * 1000 }
        case "drop_events":
            state.withLock { $0.faults.droppedEvents += count }
        case "delay_events":
            let milliseconds = try Self.count(body, "milliseconds", default: 1000)
            state.withLock { $0.faults.eventDelayMilliseconds = milliseconds }
        case "reorder_events":
            state.withLock { $0.faults.reorderEvents = true }
        case "schedule":
            // {"fault":"schedule","seed":7,"probability":"0.2","kinds":["http_5xx","unknown_after_execute","drop_events"]}
            guard case .number(let seedText)? = body["seed"], let seed = UInt64(seedText) else { throw Self.reject("seed must be a whole number") }
            guard case .string(let probabilityText)? = body["probability"], let probability = Double(probabilityText),
                  (0...1).contains(probability) else { throw Self.reject("probability must be a string between \"0\" and \"1\"") }
            guard case .array(let list)? = body["kinds"] else { throw Self.reject("kinds must be a list") }
            let allowed: Set<String> = ["http_5xx", "unknown_after_execute", "hang", "rate_limit", "drop_events", "delay_events", "reorder_events"]
            var kinds: Set<String> = []
            for case .string(let kind) in list {
                guard allowed.contains(kind) else { throw Self.reject("\(kind) cannot be scheduled; choose from \(allowed.sorted())") }
                kinds.insert(kind)
            }
            // A scheduled hang lasts `milliseconds` (default 30 s); a scheduled 429 lasts one second.
            let hang = try Self.count(body, "milliseconds", default: 30_000)
            state.withLock {
                $0.faults.schedule = SimFaults.Schedule(seed: seed, probability: probability, kinds: kinds)
                $0.faults.hangMilliseconds = hang
            }
        case "clock_skew":
            guard case .number(let text)? = body["milliseconds"], let skew = Int64(text) else {
                throw Self.reject("milliseconds must be a whole number (negative: the exchange runs behind)")
            }
            clockSkew.store(skew)
        default:
            throw Self.reject("unknown fault \(fault); one of http_5xx, unknown_after_execute, hang, rate_limit, ban, drop_events, delay_events, reorder_events, clock_skew, schedule")
        }
    }

    /// The ground truth: every order, trade, income line, the balance and positions.
    func ledgerJSON() -> [UInt8] {
        let exchange = withExchange { $0 }
        return Self.json { writer in
            writer.beginObject()
            writer.key("walletBalance"); writer.value(exchange.ledger.walletBalance.description)
            writer.key("initialBalance"); writer.value(exchange.ledger.initialBalance.description)
            writer.key("positions")
            writer.beginArray()
            for (symbol, position) in exchange.ledger.positions.sorted(by: { $0.key < $1.key }) {
                writer.beginObject()
                writer.key("symbol"); writer.value(symbol)
                writer.key("amount"); writer.value(position.amount.description)
                writer.key("entryPrice"); writer.value(position.entryPrice.description)
                writer.endObject()
            }
            writer.endArray()
            writer.key("orders")
            writer.beginArray()
            for order in exchange.orders.values.sorted(by: { $0.orderId < $1.orderId }) {
                SimJSON.order(order, spec: exchange.symbols[order.symbol]!, into: &writer)
            }
            writer.endArray()
            writer.key("trades")
            writer.beginArray()
            for trade in exchange.ledger.trades { SimJSON.trade(trade, spec: exchange.symbols[trade.symbol]!, into: &writer) }
            writer.endArray()
            writer.key("income")
            writer.beginArray()
            for line in exchange.ledger.income { SimJSON.income(line, into: &writer) }
            writer.endArray()
            writer.endObject()
        }
    }

    /// Money arriving from outside (a deposit or a transfer from spot), streamed as ACCOUNT_UPDATE;
    /// a negative amount leaves the same way (reason WITHDRAW). Either is a TRANSFER income line.
    public func deposit(_ amount: Amount, reason: String = "DEPOSIT") {
        let time = now()
        let (events, key) = state.withLock { state -> ([[UInt8]], String?) in
            state.exchange.transfer(amount, time: time)
            let event = UserDataEvents.accountUpdate(reason: reason, wallet: state.exchange.ledger.walletBalance,
                                                     balanceChange: amount, positions: [], time: time)
            return ([event], state.liveListenKey(at: time))
        }
        publish(events, listenKey: key)
    }

    /// A funding payment on every open position, streamed as ACCOUNT_UPDATE (FUNDING_FEE).
    public func fund(rate: Amount) {
        let time = now()
        let (events, key) = state.withLock { state -> ([[UInt8]], String?) in
            let before = state.exchange.ledger.walletBalance
            state.exchange.applyFunding(rate: rate, time: time)
            let change = state.exchange.ledger.walletBalance - before
            guard !change.isZero else { return ([], nil) }
            let event = UserDataEvents.accountUpdate(reason: "FUNDING_FEE", wallet: state.exchange.ledger.walletBalance,
                                                     balanceChange: change, positions: [], time: time)
            return ([event], state.liveListenKey(at: time))
        }
        publish(events, listenKey: key)
    }

    /// A listenKey not kept alive for 60 minutes expires: its sessions get `listenKeyExpired`.
    public func expireListenKeyIfDue() {
        let time = now()
        guard let key = state.withLock({ state -> String? in
            guard let current = state.listenKey, current.expires <= time else { return nil }
            state.listenKey = nil
            return current.key
        }) else { return }
        announceExpiry(of: key, time: time)
    }

    /// Ends the listenKey now: its sessions get `listenKeyExpired`, and PUT answers -1125.
    public func expireListenKey() {
        let time = now()
        guard let key = state.withLock({ state -> String? in
            defer { state.listenKey = nil }
            return state.liveListenKey(at: time)
        }) else { return }
        announceExpiry(of: key, time: time)
    }

    private func announceExpiry(of key: String, time: Int64) {
        let event = SimService.json { writer in
            writer.beginObject()
            writer.key("e"); writer.value("listenKeyExpired")
            writer.key("E"); writer.value(time)
            writer.key("listenKey"); writer.value(key)
            writer.endObject()
        }
        streams.publish(event, stream: key)
    }
}
