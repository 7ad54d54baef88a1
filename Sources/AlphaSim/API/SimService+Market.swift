import AlphaCore
import AlphaHTTP
import AlphaJSON

/// Public market data: ping, time, exchangeInfo, prices (reference §3.1–3.2).
extension SimService {
    func addMarketRoutes(to router: inout Router) {
        router.get("/fapi/v1/ping", endpoint(.none, weight: 1) { _, _ in Array("{}".utf8) })
        router.get("/fapi/v1/time", endpoint(.none, weight: 1) { [self] _, _ in
            Self.json { $0.beginObject(); $0.key("serverTime"); $0.value(now()); $0.endObject() }
        })
        router.get("/fapi/v1/exchangeInfo", endpoint(.none, weight: 1) { [self] _, _ in exchangeInfo() })
        for path in ["/fapi/v1/ticker/price", "/fapi/v2/ticker/price"] {
            router.get(path, endpoint(.none, weight: 1) { [self] _, parameters throws(BinanceError) in
                try priceList(parameters["symbol"]) { name, price, time, writer in
                    writer.key("symbol"); writer.value(name)
                    writer.key("price"); writer.value(price.formatted(scale: 2))
                    writer.key("time"); writer.value(time)
                }
            })
        }
        router.get("/fapi/v1/klines", endpoint(.none, weightByLimit: [(99, 1), (499, 2), (1000, 5), (1500, 10)], defaultLimit: 500) {
            [self] _, parameters throws(BinanceError) in
            let symbol = try parameters.required("symbol")
            guard let interval = SimCandleBook.interval(try parameters.required("interval")) else {
                throw BinanceError(code: -1120, "Invalid interval.")
            }
            let limit = Int(try parameters.int64("limit") ?? 500)
            guard (1...1500).contains(limit) else { throw .invalid("limit") }
            let start = try parameters.int64("startTime")
            let end = try parameters.int64("endTime")
            let (spec, candles) = try state.withLock { state throws(BinanceError) -> (SimSymbol, [Candle]) in
                (try state.exchange.symbol(symbol),
                 state.candles.klines(symbol: symbol, interval: interval, startTime: start, endTime: end, limit: limit))
            }
            return Self.json { writer in
                writer.beginArray()
                for candle in candles { MarketEvents.klineRow(candle, spec: spec, into: &writer) }
                writer.endArray()
            }
        })
        router.get("/fapi/v1/premiumIndex", endpoint(.none, weight: 1) { [self] _, parameters throws(BinanceError) in
            let time = now()
            return try eachSymbol(parameters["symbol"]) { name, state, writer in
                let price = state.exchange.prices[name] ?? .zero
                writer.key("symbol"); writer.value(name)
                writer.key("markPrice"); writer.value(price.formatted(scale: 8))
                writer.key("indexPrice"); writer.value(price.formatted(scale: 8))
                writer.key("estimatedSettlePrice"); writer.value(price.formatted(scale: 8))
                writer.key("lastFundingRate"); writer.value(state.market.fundingRate.formatted(scale: 8))
                writer.key("interestRate"); writer.value("0.00010000")
                writer.key("nextFundingTime"); writer.value(state.market.nextFunding(realNow: time))
                writer.key("time"); writer.value(time)
            }
        })
    }

    /// One object for `symbol`, or an array over every symbol when it is absent (Binance's rule).
    private func priceList(_ symbol: String?, _ fields: (String, Amount, Int64, inout JSONWriter) -> Void) throws(BinanceError) -> [UInt8] {
        let prices = state.withLock { $0.exchange.prices }
        let time = now()
        var writer = JSONWriter(capacity: 256)
        if let symbol {
            guard let price = prices[symbol] else { throw .badSymbol }
            writer.beginObject()
            fields(symbol, price, time, &writer)
            writer.endObject()
        } else {
            writer.beginArray()
            for (name, price) in prices.sorted(by: { $0.key < $1.key }) {
                writer.beginObject()
                fields(name, price, time, &writer)
                writer.endObject()
            }
            writer.endArray()
        }
        return writer.bytes
    }

    private func exchangeInfo() -> [UInt8] {
        let symbols = state.withLock { $0.exchange.symbols.values.sorted { $0.name < $1.name } }
        return Self.json { writer in
            writer.beginObject()
            writer.key("timezone"); writer.value("UTC")
            writer.key("serverTime"); writer.value(now())
            writer.key("futuresType"); writer.value("U_MARGINED")
            writer.key("rateLimits")
            writer.raw(#"[{"rateLimitType":"REQUEST_WEIGHT","interval":"MINUTE","intervalNum":1,"limit":2400},{"rateLimitType":"ORDERS","interval":"MINUTE","intervalNum":1,"limit":1200},{"rateLimitType":"ORDERS","interval":"SECOND","intervalNum":10,"limit":300}]"#)
            writer.key("exchangeFilters"); writer.beginArray(); writer.endArray()
            writer.key("assets")
            writer.raw(#"[{"asset":"USDT","marginAvailable":true,"autoAssetExchange":"0"}]"#)
            writer.key("symbols")
            writer.beginArray()
            for symbol in symbols { Self.symbolInfo(symbol, into: &writer) }
            writer.endArray()
            writer.endObject()
        }
    }

    private static func symbolInfo(_ symbol: SimSymbol, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("symbol"); writer.value(symbol.name)
        writer.key("pair"); writer.value(symbol.name)
        writer.key("contractType"); writer.value("PERPETUAL")
        writer.key("deliveryDate"); writer.value(Int64(4_133_404_800_000))
        writer.key("onboardDate"); writer.value(Int64(1_569_398_400_000))
        writer.key("status"); writer.value("TRADING")
        writer.key("maintMarginPercent"); writer.value("2.5000")
        writer.key("requiredMarginPercent"); writer.value("5.0000")
        writer.key("baseAsset"); writer.value(symbol.baseAsset)
        writer.key("quoteAsset"); writer.value(symbol.quoteAsset)
        writer.key("marginAsset"); writer.value(symbol.quoteAsset)
        writer.key("pricePrecision"); writer.value(symbol.pricePrecision)
        writer.key("quantityPrecision"); writer.value(symbol.quantityPrecision)
        writer.key("baseAssetPrecision"); writer.value(8)
        writer.key("quotePrecision"); writer.value(8)
        writer.key("underlyingType"); writer.value("COIN")
        writer.key("underlyingSubType"); writer.beginArray(); writer.value("PoW"); writer.endArray()
        writer.key("triggerProtect"); writer.value("0.0500")
        writer.key("liquidationFee"); writer.value("0.012500")
        writer.key("marketTakeBound"); writer.value("0.05")
        writer.key("filters")
        writer.beginArray()
        writer.beginObject()
        writer.key("filterType"); writer.value("PRICE_FILTER")
        writer.key("minPrice"); writer.value(symbol.tickSize.description)
        writer.key("maxPrice"); writer.value("4529764")
        writer.key("tickSize"); writer.value(symbol.tickSize.description)
        writer.endObject()
        for kind in ["LOT_SIZE", "MARKET_LOT_SIZE"] {
            writer.beginObject()
            writer.key("filterType"); writer.value(kind)
            writer.key("minQty"); writer.value(symbol.minQuantity.description)
            writer.key("maxQty"); writer.value(symbol.maxQuantity.description)
            writer.key("stepSize"); writer.value(symbol.stepSize.description)
            writer.endObject()
        }
        writer.raw(#",{"filterType":"MAX_NUM_ORDERS","limit":200},{"filterType":"MAX_NUM_ALGO_ORDERS","limit":10}"#)
        writer.beginObject()
        writer.key("filterType"); writer.value("MIN_NOTIONAL")
        writer.key("notional"); writer.value(symbol.minNotional.description)
        writer.endObject()
        writer.raw(#",{"filterType":"PERCENT_PRICE","multiplierUp":"1.0500","multiplierDown":"0.9500","multiplierDecimal":"4"}"#)
        writer.endArray()
        writer.key("orderTypes")
        writer.raw(#"["LIMIT","MARKET","STOP","STOP_MARKET","TAKE_PROFIT","TAKE_PROFIT_MARKET","TRAILING_STOP_MARKET"]"#)
        writer.key("timeInForce"); writer.raw(#"["GTC","IOC","FOK","GTX"]"#)
        writer.endObject()
    }
}
