import AlphaCore
import AlphaHTTP
import AlphaJSON

/// Control of the market (not Binance's API): scripted price paths, so a test can make a cross
/// happen on the candle it wants, and the market clock, so it knows when that candle closes.
extension SimService {
    func addMarketControlRoutes(to router: inout Router) {
        // {"symbol":"BTCUSDT","closes":["50000","50100",…],"interval":"1m","after":"hold"|"walk"}, or a CSV body
        // (Content-Type: text/csv; symbol, interval and after in the query) with one close per row, or a
        // header row naming a `close` column. The first close is that of the next candle to open.
        router.post("/sim/v1/market/path", controlRequest({ [self] request throws(HTTPRequestRejection) in
            let isCSV = request.headers["content-type"]?.lowercased().hasPrefix("text/csv") ?? false
            let fields: JSONObject
            let closes: [String]
            if isCSV {
                var query = JSONObject()
                for (name, value) in request.query.pairs { query[name] = .string(value) }
                fields = query
                closes = try Self.csvCloses(String(decoding: request.body, as: UTF8.self))
            } else {
                fields = try request.jsonObject()
                guard case .array(let list)? = fields["closes"] else { throw Self.reject("closes must be a list of decimal strings") }
                closes = try list.enumerated().map { index, value throws(HTTPRequestRejection) in
                    guard case .string(let text) = value else { throw Self.reject("closes[\(index)] must be a decimal string such as \"50000.10\"") }
                    return text
                }
            }
            let path = try scriptPath(fields: fields, closes: closes)
            return .response(.json(.object([
                "symbol": fields["symbol"] ?? .null, "candles": .int(Int64(path.closes.count)), "interval_ms": .int(path.interval),
                "start": .int(path.start), "end": .int(path.end), "market_time": .int(marketNow()),
            ])))
        }))
        router.delete("/sim/v1/market/path", controlRequest({ [self] request throws(HTTPRequestRejection) in
            guard let symbol = request.query["symbol"] else { throw Self.reject("send ?symbol=<symbol>") }
            let removed = state.withLock { $0.market.paths.removeValue(forKey: symbol) } != nil
            return .response(.json(.object(["symbol": .string(symbol), "removed": .bool(removed)])))
        }))
        router.get("/sim/v1/market", control { [self] _ in
            let (time, speed, paths) = state.withLock { ($0.market.time, $0.market.speed, $0.market.paths) }
            var scripted = JSONObject()
            for (name, path) in paths.sorted(by: { $0.key < $1.key }) {
                scripted[name] = .object(["start": .int(path.start), "end": .int(path.end), "candles": .int(Int64(path.closes.count))])
            }
            return .response(.json(.object(["market_time": .int(time), "speed": .string(String(speed)), "paths": .object(scripted)])))
        })
    }

    /// Replays a CSV's `close` column as the symbol's market, one candle per row from now on (then
    /// the price holds): `alphaengine sim --replay`, so the real bot trades the same candles a
    /// backtest ran on. Refused, with the reason, as the control API refuses such a path.
    public func replay(csv text: String, symbol: String, interval: String) throws(HTTPRequestRejection) -> SimPricePath {
        try scriptPath(fields: ["symbol": .string(symbol), "interval": .string(interval), "after": "hold"], closes: try Self.csvCloses(text))
    }

    /// Checks and installs a path: a known symbol, 1 to 100 000 positive closes on the tick.
    private func scriptPath(fields: JSONObject, closes: [String]) throws(HTTPRequestRejection) -> SimPricePath {
        guard case .string(let symbol)? = fields["symbol"], let spec = withExchange({ $0.symbols[symbol] }) else {
            throw Self.reject("symbol must be one of the simulator's symbols: \(withExchange { $0.symbols.keys.sorted() }.joined(separator: ", "))")
        }
        var interval = Timeframe.oneMinute
        if let value = fields["interval"] {
            guard case .string(let name) = value, let timeframe = Timeframe(name) else { throw Self.reject("interval must be a Binance interval such as 1m or 5m") }
            interval = timeframe
        }
        var holdAfter = true
        if let value = fields["after"] {
            guard case .string(let word) = value, word == "hold" || word == "walk" else { throw Self.reject("after must be hold or walk") }
            holdAfter = word == "hold"
        }
        guard (1...100_000).contains(closes.count) else { throw Self.reject("closes must hold 1 to 100000 prices") }
        var prices: [Amount] = []
        prices.reserveCapacity(closes.count)
        for (index, text) in closes.enumerated() {
            guard let price = Amount(text), price > .zero else { throw Self.reject("closes[\(index)] \"\(text.prefix(40))\" is not a positive decimal") }
            guard price.rounded(toMultipleOf: spec.tickSize) == price else {
                throw Self.reject("closes[\(index)] \(price) is not a multiple of \(symbol)'s tick \(spec.tickSize)")
            }
            prices.append(price)
        }
        return state.withLock { state in
            let start = interval.openTime(containing: state.market.time) + interval.milliseconds
            let path = SimPricePath(start: start, interval: interval.milliseconds, closes: prices, holdAfter: holdAfter)
            state.market.paths[symbol] = path
            return path
        }
    }

    /// The closes of a CSV: one per row, or the `close` column under a header row.
    static func csvCloses(_ text: String) throws(HTTPRequestRejection) -> [String] {
        var rows = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " \t\"") } }
        rows.removeAll { $0.allSatisfy(\.isEmpty) }
        guard let first = rows.first else { throw reject("the CSV has no rows") }
        if let column = first.firstIndex(where: { $0.lowercased() == "close" }) {
            return try rows.dropFirst().enumerated().map { index, row throws(HTTPRequestRejection) in
                guard column < row.count else { throw reject("CSV row \(index + 2) has no close column") }
                return row[column]
            }
        }
        guard first.count == 1 else { throw reject("a CSV with several columns needs a header row naming the close column") }
        return rows.map { $0[0] }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}
