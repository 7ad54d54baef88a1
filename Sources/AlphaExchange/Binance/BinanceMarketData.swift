import AlphaCore
import AlphaJSON

/// Klines over `GET /fapi/v1/klines` (public, weight 1–10 by limit, paced by the account's gate).
public final class BinanceMarketData: ExchangeMarketData {
    private let client: BinanceRESTClient
    public let candlesPerRequest = 1500

    /// `client` is the account's: the kernel's thread is the only one that asks either.
    public init(client: BinanceRESTClient) { self.client = client }

    public func candles(symbol: String, timeframe: Timeframe, start: Int64?, end: Int64?, limit: Int) throws -> [Candle] {
        var parameters = [("symbol", symbol), ("interval", timeframe.name), ("limit", String(min(max(limit, 1), candlesPerRequest)))]
        if let start { parameters.append(("startTime", String(start))) }
        if let end { parameters.append(("endTime", String(end))) }
        guard case .array(let rows) = try client.get("/fapi/v1/klines", parameters) else {
            throw ExchangeError.unknown(reason: "klines: the answer is not a list")
        }
        return try rows.map { row in
            guard let candle = Self.candle(row) else { throw ExchangeError.unknown(reason: "klines: a row is not a kline") }
            return candle
        }
    }

    /// `GET /fapi/v1/exchangeInfo` (weight 1): each symbol's PRICE_FILTER tick, LOT_SIZE step and
    /// bounds, and MIN_NOTIONAL.
    public func symbolRules() throws -> [String: SymbolRules] {
        guard case .object(let info) = try client.get("/fapi/v1/exchangeInfo"), case .array(let symbols)? = info["symbols"] else {
            throw ExchangeError.unknown(reason: "exchangeInfo: no symbol list")
        }
        var rules: [String: SymbolRules] = [:]
        for case .object(let symbol) in symbols {
            guard case .string(let name)? = symbol["symbol"], case .array(let filters)? = symbol["filters"] else { continue }
            var tick: Amount?, step: Amount?, minimum: Amount?, maximum: Amount?, notional: Amount?
            for case .object(let filter) in filters {
                func amount(_ key: String) -> Amount? { if case .string(let text)? = filter[key] { Amount(text) } else { nil } }
                switch filter["filterType"] {
                case .string("PRICE_FILTER")?: tick = amount("tickSize")
                case .string("LOT_SIZE")?: step = amount("stepSize"); minimum = amount("minQty"); maximum = amount("maxQty")
                case .string("MIN_NOTIONAL")?: notional = amount("notional")
                default: break
                }
            }
            if let tick, let step, tick > .zero, step > .zero {
                rules[name] = SymbolRules(symbol: name, tickSize: tick, stepSize: step, minQuantity: minimum ?? step,
                                          maxQuantity: maximum, minNotional: notional)
            }
        }
        return rules
    }

    /// `[openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, …]`, checked well formed.
    static func candle(_ row: JSONValue) -> Candle? {
        guard case .array(let cells) = row, cells.count >= 9,
              case .number(let openTime) = cells[0], let open = Int64(openTime),
              case .number(let closeTime) = cells[6], let close = Int64(closeTime),
              case .number(let trades) = cells[8], let count = Int64(trades) else { return nil }
        func amount(_ index: Int) -> Amount? { if case .string(let text) = cells[index] { Amount(text) } else { nil } }
        guard let o = amount(1), let h = amount(2), let l = amount(3), let c = amount(4), let v = amount(5), let q = amount(7) else { return nil }
        let candle = Candle(openTime: open, closeTime: close, open: o, high: h, low: l, close: c, volume: v, quoteVolume: q, trades: count)
        return candle.isWellFormed ? candle : nil
    }

    /// A kline stream message's `k` object.
    static func candle(stream k: JSONObject) -> (Candle, closed: Bool)? {
        func amount(_ key: String) -> Amount? { if case .string(let text)? = k[key] { Amount(text) } else { nil } }
        func integer(_ key: String) -> Int64? { if case .number(let text)? = k[key] { Int64(text) } else { nil } }
        guard let open = integer("t"), let close = integer("T"), let o = amount("o"), let h = amount("h"), let l = amount("l"),
              let c = amount("c"), let v = amount("v"), case .bool(let closed)? = k["x"] else { return nil }
        let candle = Candle(openTime: open, closeTime: close, open: o, high: h, low: l, close: c, volume: v,
                            quoteVolume: amount("q") ?? .zero, trades: integer("n") ?? 0)
        return candle.isWellFormed ? (candle, closed) : nil
    }
}
