import AlphaCore
import AlphaJSON

/// Candles and market rules over Upbit's quotation API (no token), paced with the account's
/// requests. Upbit pages candles backwards — at most 200, newest first, those opening before
/// `to` — so a page from `start` forward is asked for as the one ending `limit` candles later.
public final class UpbitMarketData: ExchangeMarketData {
    private let client: UpbitRESTClient
    public let candlesPerRequest = 200
    /// The minute candles Upbit has (`/v1/candles/minutes/{unit}`); days have their own path.
    static let minuteUnits: Set<Int64> = [1, 3, 5, 10, 15, 30, 60, 240]

    public init(client: UpbitRESTClient) { self.client = client }

    public func candles(symbol: String, timeframe: Timeframe, start: Int64?, end: Int64?, limit: Int) throws -> [Candle] {
        let count = min(max(limit, 1), candlesPerRequest)
        let minutes = timeframe.milliseconds / 60_000
        let path: String
        if timeframe.milliseconds == 86_400_000 {
            path = "/v1/candles/days"
        } else if Self.minuteUnits.contains(minutes) {
            path = "/v1/candles/minutes/\(minutes)"
        } else {
            throw ExchangeError.rejected(status: 400, code: 0, message: "Upbit has no \(timeframe) candles")
        }
        var parameters = [("market", symbol), ("count", String(count))]
        // `to` is exclusive: the page from `start` ends `count` candles on; one up to `end` includes it.
        if let to = start.map({ $0 + Int64(count) * timeframe.milliseconds }) ?? end.map({ $0 + 1 }) {
            parameters.append(("to", Timestamp(millisecondsSinceEpoch: to).iso8601))
        }
        guard case .array(let rows) = try client.quotation(path, parameters, group: "candles") else {
            throw ExchangeError.unknown(reason: "candles: the answer is not a list")
        }
        let candles = try rows.reversed().map { row in
            guard let candle = Self.candle(row, length: timeframe.milliseconds) else { throw ExchangeError.unknown(reason: "candles: a row is not a candle") }
            return candle
        }
        return candles.filter { candle in start.map { candle.openTime >= $0 } ?? true }
    }

    /// Each KRW market's rules: its price unit at the last price (Upbit's unit follows the price's
    /// band, `UpbitKRWMarket`), volumes to 8 decimals, and the 5 000 KRW minimum order.
    public func symbolRules() throws -> [String: SymbolRules] {
        guard case .array(let listed) = try client.quotation("/v1/market/all", [], group: "market") else {
            throw ExchangeError.unknown(reason: "market/all: the answer is not a list")
        }
        let markets = listed.compactMap { row -> String? in
            guard case .object(let market) = row, case .string(let name)? = market["market"], name.hasPrefix("KRW-") else { return nil }
            return name
        }
        guard !markets.isEmpty else { return [:] }
        guard case .array(let tickers) = try client.quotation("/v1/ticker", [("markets", markets.joined(separator: ","))], group: "ticker") else {
            throw ExchangeError.unknown(reason: "ticker: the answer is not a list")
        }
        let step = Amount("0.00000001")!
        var rules: [String: SymbolRules] = [:]
        for case .object(let ticker) in tickers {
            guard case .string(let market)? = ticker["market"], case .number(let text)? = ticker["trade_price"], let price = Amount(jsonNumber: text) else { continue }
            rules[market] = SymbolRules(symbol: market, tickSize: UpbitKRWMarket.priceUnit(at: price), stepSize: step, minQuantity: step,
                                        minNotional: UpbitKRWMarket.minimumOrderValue)
        }
        return rules
    }

    /// A candle row: `candle_date_time_utc` ("2026-12-07T14:04:00", UTC, no offset) opens it;
    /// prices and volumes are JSON numbers.
    static func candle(_ row: JSONValue, length: Int64) -> Candle? {
        guard case .object(let object) = row, case .string(let opened)? = object["candle_date_time_utc"],
              let openTime = Timestamp(iso8601: opened + "Z")?.millisecondsSinceEpoch else { return nil }
        func amount(_ key: String) -> Amount? { if case .number(let text)? = object[key] { Amount(jsonNumber: text) } else { nil } }
        guard let open = amount("opening_price"), let high = amount("high_price"), let low = amount("low_price"), let close = amount("trade_price") else { return nil }
        let candle = Candle(openTime: openTime, closeTime: openTime + length - 1, open: open, high: high, low: low, close: close,
                            volume: amount("candle_acc_trade_volume") ?? .zero, quoteVolume: amount("candle_acc_trade_price") ?? .zero, trades: 0)
        return candle.isWellFormed ? candle : nil
    }
}
