import AlphaCore
import AlphaHTTP
import AlphaJSON

/// The public market data clients poll (reference §3.2; formats as Binance serves them): 24 h
/// ticker, book ticker, depth, trades, aggregate trades, funding history and info, open
/// interest. All of it is read from the one market state: the book sits on the last price, the
/// tape's trades are in the candles, funding rows sit on the candles' 8-hour marks.
extension SimService {
    func addMarketDataRoutes(to router: inout Router) {
        router.get("/fapi/v1/ticker/24hr", endpoint(.none, weight: 1) { [self] _, parameters throws(BinanceError) in
            try eachSymbol(parameters["symbol"]) { name, state, writer in Self.dayTicker(name, state, &writer) }
        })
        router.get("/fapi/v1/ticker/bookTicker", endpoint(.none, weight: 2) { [self] _, parameters throws(BinanceError) in
            let time = now()
            return try eachSymbol(parameters["symbol"]) { name, state, writer in
                let book = SimBook(symbol: state.exchange.symbols[name]!, price: state.exchange.prices[name] ?? .zero)
                let bid = book.bid(0), ask = book.ask(0)
                let spec = book.symbol
                writer.key("symbol"); writer.value(name)
                writer.key("bidPrice"); writer.value(bid.price.formatted(scale: spec.pricePrecision))
                writer.key("bidQty"); writer.value(bid.quantity.formatted(scale: spec.quantityPrecision))
                writer.key("askPrice"); writer.value(ask.price.formatted(scale: spec.pricePrecision))
                writer.key("askQty"); writer.value(ask.quantity.formatted(scale: spec.quantityPrecision))
                writer.key("time"); writer.value(time)
                writer.key("lastUpdateId"); writer.value(state.market.nextTradeID)
            }
        })
        router.get("/fapi/v1/depth", endpoint(.none, weightByLimit: [(50, 2), (100, 5), (500, 10), (1000, 20)], defaultLimit: 500) {
            [self] _, parameters throws(BinanceError) in
            let symbol = try parameters.required("symbol")
            let limit = Int(try parameters.int64("limit") ?? 500)
            guard [5, 10, 20, 50, 100, 500, 1000].contains(limit) else { throw .invalid("limit") }
            let (book, updateID) = try state.withLock { state throws(BinanceError) -> (SimBook, Int64) in
                (SimBook(symbol: try state.exchange.symbol(symbol), price: state.exchange.prices[symbol] ?? .zero), state.market.nextTradeID)
            }
            let time = now()
            return Self.json { writer in
                writer.beginObject()
                writer.key("lastUpdateId"); writer.value(updateID)
                writer.key("E"); writer.value(time)
                writer.key("T"); writer.value(time)
                for side in ["bids", "asks"] {
                    writer.key(escaping: side)
                    writer.beginArray()
                    for index in 0..<limit {
                        let (price, quantity) = side == "bids" ? book.bid(index) : book.ask(index)
                        guard price > .zero else { break }
                        writer.beginArray()
                        writer.value(price.formatted(scale: book.symbol.pricePrecision))
                        writer.value(quantity.formatted(scale: book.symbol.quantityPrecision))
                        writer.endArray()
                    }
                    writer.endArray()
                }
                writer.endObject()
            }
        })
        router.get("/fapi/v1/trades", endpoint(.none, weight: 5) { [self] _, parameters throws(BinanceError) in
            let (spec, trades) = try tape(parameters, maximum: 1000)
            let limit = Int(try parameters.int64("limit") ?? 500)
            return Self.json { writer in
                writer.beginArray()
                for trade in trades.suffix(limit) {
                    writer.beginObject()
                    writer.key("id"); writer.value(trade.id)
                    writer.key("price"); writer.value(trade.price.formatted(scale: spec.pricePrecision))
                    writer.key("qty"); writer.value(trade.quantity.formatted(scale: spec.quantityPrecision))
                    writer.key("quoteQty"); writer.value((trade.price * trade.quantity).description)
                    writer.key("time"); writer.value(trade.time)
                    writer.key("isBuyerMaker"); writer.value(trade.buyerIsMaker)
                    writer.endObject()
                }
                writer.endArray()
            }
        })
        router.get("/fapi/v1/aggTrades", endpoint(.none, weight: 20) { [self] _, parameters throws(BinanceError) in
            let (spec, all) = try tape(parameters, maximum: 1000)
            let limit = Int(try parameters.int64("limit") ?? 500)
            let fromID = try parameters.int64("fromId")
            let start = try parameters.int64("startTime"), end = try parameters.int64("endTime")
            if let start, let end, end - start >= 3_600_000 { throw BinanceError(code: -1127, "More than 1 hours between startTime and endTime.") }
            // Each of the tape's trades is its own aggregate (the tape never prints two at one moment).
            var trades = all.filter { trade in
                (fromID.map { trade.id >= $0 } ?? true) && (start.map { trade.time >= $0 } ?? true) && (end.map { trade.time <= $0 } ?? true)
            }
            trades = fromID != nil || start != nil ? Array(trades.prefix(limit)) : Array(trades.suffix(limit))
            return Self.json { writer in
                writer.beginArray()
                for trade in trades {
                    writer.beginObject()
                    writer.key("a"); writer.value(trade.id)
                    writer.key("p"); writer.value(trade.price.formatted(scale: spec.pricePrecision))
                    writer.key("q"); writer.value(trade.quantity.formatted(scale: spec.quantityPrecision))
                    writer.key("f"); writer.value(trade.id)
                    writer.key("l"); writer.value(trade.id)
                    writer.key("T"); writer.value(trade.time)
                    writer.key("m"); writer.value(trade.buyerIsMaker)
                    writer.endObject()
                }
                writer.endArray()
            }
        })
        router.get("/fapi/v1/fundingRate", endpoint(.none, weight: 1) { [self] _, parameters throws(BinanceError) in
            let limit = Int(try parameters.int64("limit") ?? 100)
            guard (1...1000).contains(limit) else { throw .invalid("limit") }
            let start = try parameters.int64("startTime"), end = try parameters.int64("endTime")
            let rows = try state.withLock { state throws(BinanceError) -> [(String, Int64, Amount, Amount)] in
                let names = try parameters["symbol"].map { name throws(BinanceError) in [try state.exchange.symbol(name).name] }
                    ?? state.exchange.symbols.keys.sorted()
                var rows: [(String, Int64, Amount, Amount)] = []
                for name in names {
                    guard let first = state.candles.klines(symbol: name, interval: SimCandleBook.minute, startTime: 0, endTime: nil, limit: 1).first else { continue }
                    var times = SimMarketState.fundingTimes(from: max(first.closeTime + 1, start ?? 0), to: min(state.market.time, end ?? .max))
                    times = start != nil ? Array(times.prefix(limit)) : Array(times.suffix(limit))
                    for time in times {
                        // The mark price at funding is the close of the minute before it.
                        let mark = state.candles.klines(symbol: name, interval: SimCandleBook.minute, startTime: nil, endTime: time - 1, limit: 1).last?.close
                        rows.append((name, time, state.market.fundingRate, mark ?? .zero))
                    }
                }
                return rows
            }
            return Self.json { writer in
                writer.beginArray()
                for (name, time, rate, mark) in rows {
                    writer.beginObject()
                    writer.key("symbol"); writer.value(name)
                    writer.key("fundingTime"); writer.value(time)
                    writer.key("fundingRate"); writer.value(rate.formatted(scale: 8))
                    writer.key("markPrice"); writer.value(mark.formatted(scale: 8))
                    writer.endObject()
                }
                writer.endArray()
            }
        })
        // Only symbols whose funding cap, floor or interval was adjusted are listed: none here.
        router.get("/fapi/v1/fundingInfo", endpoint(.none, weight: 0) { _, _ in Array("[]".utf8) })
        router.get("/fapi/v1/openInterest", endpoint(.none, weight: 1) { [self] _, parameters throws(BinanceError) in
            let symbol = try parameters.required("symbol")
            let (spec, interest) = try state.withLock { state throws(BinanceError) -> (SimSymbol, Amount) in
                let spec = try state.exchange.symbol(symbol)
                // Everyone else's contracts: a tenth of the day's volume; plus ours.
                let day = state.candles.klines(symbol: symbol, interval: 86_400_000, startTime: nil, endTime: nil, limit: 1).last?.volume ?? .zero
                let others = (day * Amount("0.1")!).rounded(toMultipleOf: spec.stepSize)
                return (spec, others + state.exchange.ledger.position(symbol).amount.magnitude)
            }
            return Self.json { writer in
                writer.beginObject()
                writer.key("openInterest"); writer.value(interest.formatted(scale: spec.quantityPrecision))
                writer.key("symbol"); writer.value(symbol)
                writer.key("time"); writer.value(now())
                writer.endObject()
            }
        })
    }

    /// The tape of the request's `symbol`, oldest first (-1130 for a limit over `maximum`).
    private func tape(_ parameters: BinanceParameters, maximum: Int) throws(BinanceError) -> (SimSymbol, [SimTapeTrade]) {
        let symbol = try parameters.required("symbol")
        let limit = try parameters.int64("limit") ?? 500
        guard (1...Int64(maximum)).contains(limit) else { throw .invalid("limit") }
        return try state.withLock { state throws(BinanceError) in (try state.exchange.symbol(symbol), state.market.tape[symbol] ?? []) }
    }

    /// One object for `symbol`, or an array over every symbol when it is absent (Binance's rule).
    func eachSymbol(_ symbol: String?, _ fields: (String, SimState, inout JSONWriter) -> Void) throws(BinanceError) -> [UInt8] {
        try state.withLock { state throws(BinanceError) in
            var writer = JSONWriter(capacity: 512)
            if let symbol {
                _ = try state.exchange.symbol(symbol)
                writer.beginObject()
                fields(symbol, state, &writer)
                writer.endObject()
            } else {
                writer.beginArray()
                for name in state.exchange.symbols.keys.sorted() {
                    writer.beginObject()
                    fields(name, state, &writer)
                    writer.endObject()
                }
                writer.endArray()
            }
            return writer.bytes
        }
    }

    /// The rolling 24 hours of market time up to now, from the one-minute candles and the tape.
    private static func dayTicker(_ name: String, _ state: SimState, _ writer: inout JSONWriter) {
        let spec = state.exchange.symbols[name]!
        let now = state.market.time
        let minutes = state.candles.klines(symbol: name, interval: SimCandleBook.minute, startTime: now - 86_400_000 + SimCandleBook.minute,
                                           endTime: nil, limit: 1440)
        let last = state.exchange.prices[name] ?? .zero
        let open = minutes.first?.open ?? last
        let high = minutes.map(\.high).max() ?? last, low = minutes.map(\.low).min() ?? last
        let volume = minutes.reduce(Amount.zero) { $0 + $1.volume }
        let quoteVolume = minutes.reduce(Amount.zero) { $0 + $1.quoteVolume }
        let tape = (state.market.tape[name] ?? []).filter { $0.time > now - 86_400_000 }
        let change = last - open
        writer.key("symbol"); writer.value(name)
        writer.key("priceChange"); writer.value(change.formatted(scale: spec.pricePrecision))
        writer.key("priceChangePercent"); writer.value(open.isZero ? "0.000" : (change * 100).divided(by: open, scale: 3).formatted(scale: 3))
        writer.key("weightedAvgPrice"); writer.value(volume.isZero ? last.formatted(scale: spec.pricePrecision)
                                                        : quoteVolume.divided(by: volume, scale: spec.pricePrecision).formatted(scale: spec.pricePrecision))
        writer.key("lastPrice"); writer.value(last.formatted(scale: spec.pricePrecision))
        writer.key("lastQty"); writer.value((tape.last?.quantity ?? .zero).formatted(scale: spec.quantityPrecision))
        writer.key("openPrice"); writer.value(open.formatted(scale: spec.pricePrecision))
        writer.key("highPrice"); writer.value(max(high, last).formatted(scale: spec.pricePrecision))
        writer.key("lowPrice"); writer.value(min(low, last).formatted(scale: spec.pricePrecision))
        writer.key("volume"); writer.value(volume.formatted(scale: spec.quantityPrecision))
        writer.key("quoteVolume"); writer.value(quoteVolume.formatted(scale: 2))
        writer.key("openTime"); writer.value(minutes.first?.openTime ?? now)
        writer.key("closeTime"); writer.value(now)
        writer.key("firstId"); writer.value(tape.first?.id ?? -1)
        writer.key("lastId"); writer.value(tape.last?.id ?? -1)
        writer.key("count"); writer.value(minutes.reduce(Int64(0)) { $0 + $1.trades })
    }
}

/// The order book other traders keep around the last price: the best bid on it, the best ask one
/// tick above, each further level one tick out, with quantities fixed by the level's price (so
/// the same price always shows the same book, and a poll twice in a row agrees with itself).
struct SimBook {
    let symbol: SimSymbol
    let price: Amount

    func bid(_ level: Int) -> (price: Amount, quantity: Amount) {
        let at = price - symbol.tickSize * Amount(level)
        return (at, quantity(at))
    }

    func ask(_ level: Int) -> (price: Amount, quantity: Amount) {
        let at = price + symbol.tickSize * Amount(level + 1)
        return (at, quantity(at))
    }

    /// Between 0.1 and 5 of the quote's worth of 50 000, as the base asset, seeded by the price.
    private func quantity(_ at: Amount) -> Amount {
        var random = SplitMix64(seed: UInt64(truncatingIfNeeded: at.description.hashValueStable))
        let notional = Amount(Int(5_000 + random.next() % 245_000))
        return max(symbol.minQuantity, notional.divided(by: at, scale: symbol.quantityPrecision, mode: .down))
    }
}

extension String {
    /// FNV-1a over the UTF-8 bytes: the same on every run (Swift's `hashValue` is seeded per process).
    var hashValueStable: UInt64 {
        utf8.reduce(UInt64(0xCBF2_9CE4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }
}
