import AlphaCore
import AlphaHTTP
import AlphaJSON

/// Upbit's endpoints (reference: the Upbit notes §3): quotation without a token, exchange with one.
extension UpbitSimService {
    func addQuotationRoutes(to router: inout Router) {
        router.get("/v1/market/all", quotation(group: "market") { [self] _ in
            let markets = withExchange { $0.prices.keys.sorted() }
            return (.array(markets.map { market in
                let (korean, english) = UpbitSimConfiguration.names[market] ?? (market, market)
                return .object(["market": .string(market), "korean_name": .string(korean), "english_name": .string(english)])
            }), .ok)
        })
        router.get("/v1/ticker", quotation(group: "ticker") { [self] parameters throws(UpbitAPIError) in
            let markets = try known(parameters.list("markets"))
            let time = marketNow()
            return (.array(markets.map { market in ticker(market, time: time) }), .ok)
        })
        router.get("/v1/orderbook", quotation(group: "orderbook") { [self] parameters throws(UpbitAPIError) in
            let markets = try known(parameters.list("markets"))
            let time = now()
            return (.array(markets.map { market in
                let price = withExchange { $0.prices[market]! }
                let unit = UpbitKRWMarket.priceUnit(at: price)
                // Fifteen levels each side, one price unit apart, around the price.
                let units: [JSONValue] = (0..<15).map { level in
                    .object(["ask_price": Self.number(price + unit * Amount(level + 1)), "bid_price": Self.number(price - unit * Amount(level)),
                             "ask_size": .number("1"), "bid_size": .number("1")])
                }
                return .object(["market": .string(market), "timestamp": .int(time), "total_ask_size": .number("15"), "total_bid_size": .number("15"),
                                "orderbook_units": .array(units), "level": .int(0)])
            }), .ok)
        })
        router.get("/v1/candles/minutes/:unit", { [self] request in
            let unit = Int(request.pathParameters["unit"] ?? "") ?? 0
            return quotation(group: "candles") { [self] parameters throws(UpbitAPIError) in
                guard [1, 3, 5, 10, 15, 30, 60, 240].contains(unit) else { throw .validation("unit must be 1, 3, 5, 10, 15, 30, 60 or 240") }
                return (try candles(parameters, minutes: unit, days: false), .ok)
            }(request)
        })
        router.get("/v1/candles/days", quotation(group: "candles") { [self] parameters throws(UpbitAPIError) in
            (try candles(parameters, minutes: 1440, days: true), .ok)
        })
    }

    func addExchangeRoutes(to router: inout Router) {
        router.get("/v1/accounts", exchange { [self] _ in
            let holdings = withExchange { $0.holdings }
            let listed = holdings.keys.sorted { ($0 == "KRW" ? "" : $0) < ($1 == "KRW" ? "" : $1) }
                .filter { $0 == "KRW" || !(holdings[$0]!.balance + holdings[$0]!.locked).isZero }
            return (.array(listed.map { Self.json($0, holdings[$0]!) }), .ok)
        })
        router.get("/v1/orders/chance", exchange { [self] parameters throws(UpbitAPIError) in
            guard let market = parameters["market"] else { throw .validation("market is missing") }
            _ = try known([market])
            let coin = UpbitSpotExchange.coin(of: market)
            let (krw, held, fee) = withExchange { ($0.holding("KRW"), $0.holding(coin), $0.feeRate) }
            let rules: JSONObject = [
                "id": .string(market), "name": .string("\(coin)/KRW"), "order_types": .array(["limit"]), "order_sides": .array(["ask", "bid"]),
                "bid_types": .array(["limit", "limit_ioc", "limit_fok", "price"]), "ask_types": .array(["limit", "limit_ioc", "limit_fok", "market"]),
                "bid": .object(["currency": "KRW", "min_total": Self.text(UpbitKRWMarket.minimumOrderValue)]),
                "ask": .object(["currency": .string(coin), "min_total": Self.text(UpbitKRWMarket.minimumOrderValue)]),
                "max_total": Self.text(UpbitKRWMarket.maximumOrderValue), "state": "active",
            ]
            return (.object(["bid_fee": Self.text(fee), "ask_fee": Self.text(fee), "maker_bid_fee": Self.text(fee), "maker_ask_fee": Self.text(fee),
                             "market": .object(rules), "bid_account": Self.json("KRW", krw), "ask_account": Self.json(coin, held)]), .ok)
        })
        router.post("/v1/orders", exchange(group: "order") { [self] parameters throws(UpbitAPIError) in
            let new = try Self.newOrder(parameters)
            let time = now()
            let order = try state.withLock { state throws(UpbitAPIError) in try state.exchange.place(new, time: time) }
            publishChanges()
            return (Self.json(order), .created)
        })
        router.get("/v1/order", exchange { [self] parameters throws(UpbitAPIError) in
            let (uuid, identifier) = try Self.orderKey(parameters)
            return (Self.json(try withExchangeThrowing { exchange throws(UpbitAPIError) in try exchange.order(uuid: uuid, identifier: identifier) },
                              trades: true), .ok)
        })
        router.delete("/v1/order", exchange { [self] parameters throws(UpbitAPIError) in
            let (uuid, identifier) = try Self.orderKey(parameters)
            let before = try withExchangeThrowing { exchange throws(UpbitAPIError) in try exchange.cancel(uuid: uuid, identifier: identifier) }
            publishChanges()
            return (Self.json(before), .ok)
        })
        // pyupbit's list (deprecated by Upbit, still served); the SDK's open, closed and by-id lists.
        router.get("/v1/orders", exchange { [self] parameters throws(UpbitAPIError) in
            var states = parameters.list("state") + parameters.list("states")
            if states.isEmpty { states = ["wait"] }
            return (try list(parameters, states: states, ids: parameters.list("uuids"), identifiers: parameters.list("identifiers")), .ok)
        })
        router.get("/v1/orders/open", exchange { [self] parameters throws(UpbitAPIError) in
            let states = parameters.list("state") + parameters.list("states")
            return (try list(parameters, states: states.isEmpty ? ["wait", "watch"] : states), .ok)
        })
        router.get("/v1/orders/closed", exchange { [self] parameters throws(UpbitAPIError) in
            let states = parameters.list("state") + parameters.list("states")
            return (try list(parameters, states: states.isEmpty ? ["done", "cancel"] : states), .ok)
        })
        router.get("/v1/orders/uuids", exchange { [self] parameters throws(UpbitAPIError) in
            (try list(parameters, states: nil, ids: parameters.list("uuids"), identifiers: parameters.list("identifiers")), .ok)
        })
    }

    // MARK: Helpers

    func withExchangeThrowing<Result>(_ body: (inout UpbitSpotExchange) throws(UpbitAPIError) -> Result) throws(UpbitAPIError) -> Result {
        try state.withLock { state throws(UpbitAPIError) in try body(&state.exchange) }
    }

    /// The markets asked for, each one the simulator lists.
    func known(_ markets: [String]) throws(UpbitAPIError) -> [String] {
        guard !markets.isEmpty else { throw .validation("markets is missing") }
        let listed = withExchange { $0.prices }
        for market in markets where listed[market] == nil { throw .notFoundMarket(market) }
        return markets
    }

    static func number(_ amount: Amount) -> JSONValue { .number(amount.description) }

    func ticker(_ market: String, time: Int64) -> JSONValue {
        let price = withExchange { $0.prices[market]! }
        let day = state.withLock { state in
            Self.extendCandles(&state, market: market, to: time)
            return state.candles.klines(symbol: market, interval: 86_400_000, startTime: nil, endTime: nil, limit: 1)
        }.last
        let open = day?.open ?? price
        let change = price - open
        let utc = Timestamp(millisecondsSinceEpoch: time).iso8601, kst = Timestamp(millisecondsSinceEpoch: time + 9 * 3_600_000).iso8601
        func date(_ text: String) -> String { String(text.prefix(10)).replacingOccurrences(of: "-", with: "") }
        func clock(_ text: String) -> String { String(text.dropFirst(11).prefix(8)).replacingOccurrences(of: ":", with: "") }
        let rate = open.isZero ? Amount.zero : change.magnitude.divided(by: open, scale: 8)
        return .object([
            "market": .string(market), "trade_date": .string(date(utc)), "trade_time": .string(clock(utc)), "trade_date_kst": .string(date(kst)),
            "trade_time_kst": .string(clock(kst)), "trade_timestamp": .int(time), "opening_price": Self.number(open),
            "high_price": Self.number(max(price, day?.high ?? price)), "low_price": Self.number(min(price, day?.low ?? price)),
            "trade_price": Self.number(price), "prev_closing_price": Self.number(open),
            "change": .string(change.isZero ? "EVEN" : change.isNegative ? "FALL" : "RISE"), "change_price": Self.number(change.magnitude),
            "change_rate": Self.number(rate), "signed_change_price": Self.number(change), "signed_change_rate": Self.number(change.isNegative ? -rate : rate),
            "trade_volume": .number("0.001"), "acc_trade_price": .number("0"), "acc_trade_price_24h": .number("0"), "acc_trade_volume": .number("0"),
            "acc_trade_volume_24h": .number("0"), "timestamp": .int(time),
        ])
    }

    /// Candles newest first, `count` (≤ 200) of them ending before `to` (exclusive), merged from
    /// the minute history; the one in progress is made from the last minutes and the current price.
    func candles(_ parameters: UpbitParameters, minutes: Int, days: Bool) throws(UpbitAPIError) -> JSONValue {
        guard let market = parameters["market"] else { throw .validation("market is missing") }
        _ = try known([market])
        let count = Int(parameters["count"] ?? "1") ?? 0
        guard (1...200).contains(count) else { throw .validation("count must be from 1 to 200") }
        let time = marketNow()
        var until = time + 1
        if let to = parameters["to"] {
            guard let parsed = Self.time(to) else { throw .validation("to must be a time such as 2026-12-07T04:56:53Z") }
            until = parsed
        }
        let length = Int64(minutes) * 60_000
        // Upbit's `to` is exclusive: the candles that open before it.
        let merged = state.withLock { state in
            Self.extendCandles(&state, market: market, to: time)
            return state.candles.klines(symbol: market, interval: length, startTime: nil, endTime: until - 1, limit: count)
        }
        return .array(merged.reversed().map { candle in
            var object: JSONObject = [
                "market": .string(market),
                "candle_date_time_utc": .string(String(Timestamp(millisecondsSinceEpoch: candle.openTime).iso8601.prefix(19))),
                "candle_date_time_kst": .string(String(Timestamp(millisecondsSinceEpoch: candle.openTime + 9 * 3_600_000).iso8601.prefix(19))),
                "opening_price": Self.number(candle.open), "high_price": Self.number(candle.high), "low_price": Self.number(candle.low),
                "trade_price": Self.number(candle.close), "timestamp": .int(candle.closeTime),
                "candle_acc_trade_price": Self.number(candle.volume * candle.close), "candle_acc_trade_volume": Self.number(candle.volume),
            ]
            if days { object["prev_closing_price"] = Self.number(candle.open) } else { object["unit"] = .int(Int64(minutes)) }
            return .object(object)
        })
    }

    /// `to` as Upbit takes it: ISO-8601 with Z or an offset, or "yyyy-MM-dd HH:mm:ss" (UTC).
    static func time(_ text: String) -> Int64? {
        var text = text.replacingOccurrences(of: " ", with: "T")
        var offset: Int64 = 0
        if let sign = text.lastIndex(where: { $0 == "+" || $0 == "-" }), text.distance(from: sign, to: text.endIndex) == 6,
           let hours = Int64(text[text.index(after: sign)...].prefix(2)), let minutes = Int64(text.suffix(2)) {
            offset = (hours * 60 + minutes) * 60_000 * (text[sign] == "+" ? 1 : -1)
            text = String(text[..<sign])
        }
        if text.hasSuffix("Z") { text.removeLast() }
        return Timestamp(iso8601: text + "Z").map { $0.millisecondsSinceEpoch - offset }
    }

    static func orderKey(_ parameters: UpbitParameters) throws(UpbitAPIError) -> (String?, String?) {
        let uuid = parameters["uuid"], identifier = parameters["identifier"]
        guard uuid != nil || identifier != nil else { throw .validation("uuid or identifier is missing") }
        return (uuid, identifier)
    }

    static func newOrder(_ parameters: UpbitParameters) throws(UpbitAPIError) -> UpbitSpotExchange.NewOrder {
        guard let market = parameters["market"] else { throw .validation("market is missing") }
        guard let side = parameters["side"].flatMap(UpbitOrder.Side.init) else { throw .validation("side is missing, side does not have a valid value") }
        guard let kind = parameters["ord_type"].flatMap(UpbitOrder.Kind.init) else { throw .validation("ord_type does not have a valid value") }
        func amount(_ name: String) throws(UpbitAPIError) -> Amount? {
            guard let text = parameters[name], !text.isEmpty else { return nil }
            // An exponent too ("7.142e-05": pyupbit sends Python's str of a float), as Upbit's decimal parser takes it.
            guard let value = Amount(text) ?? Amount(jsonNumber: text), !value.isNegative else { throw .validation("\(name) does not have a valid value") }
            return value
        }
        return .init(market: market, side: side, kind: kind, price: try amount("price"), volume: try amount("volume"),
                     identifier: parameters["identifier"], timeInForce: parameters["time_in_force"])
    }

    /// Orders newest first (or `order_by=asc`), by state and market, a page of `limit` (≤ 100).
    func list(_ parameters: UpbitParameters, states: [String]?, ids: [String] = [], identifiers: [String] = []) throws(UpbitAPIError) -> JSONValue {
        let limit = Int(parameters["limit"] ?? "100") ?? 0, page = Int(parameters["page"] ?? "1") ?? 0
        guard (1...1000).contains(limit), page >= 1 else { throw .validation("limit and page must be positive") }
        let market = parameters["market"]
        var orders = withExchange { exchange in exchange.placed.compactMap { exchange.orders[$0] } }
        orders = orders.filter { order in
            (market == nil || order.market == market) && (states.map { $0.contains(order.state.rawValue) } ?? true)
                && (ids.isEmpty && identifiers.isEmpty || ids.contains(order.uuid) || order.identifier.map(identifiers.contains) == true)
        }
        if parameters["order_by"] != "asc" { orders.reverse() }
        return .array(orders.dropFirst((page - 1) * limit).prefix(limit).map { Self.json($0) })
    }
}
