import AlphaCore

/// `market_candles` and `market_marks` (schema 7) and `market_symbols` (8). The bot writes them;
/// the web reads candles for `/api/candles`, marks for unrealized PnL and symbols' rules for
/// `/api/symbols`.
public final class MarketDataStore {
    public let database: any SQLConnection

    public init(database: any SQLConnection) { self.database = database }

    public func store(_ candles: [Candle], symbol: String, timeframe: Timeframe, keep: Int) throws {
        guard !candles.isEmpty else { return }
        _ = try database.write {
            let insert = """
                INSERT INTO market_candles
                    (symbol, timeframe, open_time, close_time, open, high, low, close, volume, quote_volume, trades)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (symbol, timeframe, open_time) DO UPDATE SET close_time = excluded.close_time, open = excluded.open,
                    high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume,
                    quote_volume = excluded.quote_volume, trades = excluded.trades
                """
            for candle in candles {
                _ = try database.run(insert, [.text(symbol), .text(timeframe.name), .integer(candle.openTime), .integer(candle.closeTime),
                                    .text(candle.open.description), .text(candle.high.description), .text(candle.low.description),
                                    .text(candle.close.description), .text(candle.volume.description),
                                    .text(candle.quoteVolume.description), .integer(candle.trades)])
            }
            // Bounded: everything older than the newest `keep` goes.
            _ = try database.run("""
                DELETE FROM market_candles WHERE symbol = ?1 AND timeframe = ?2 AND open_time < (
                    SELECT open_time FROM market_candles WHERE symbol = ?1 AND timeframe = ?2
                    ORDER BY open_time DESC LIMIT 1 OFFSET ?3)
                """, [.text(symbol), .text(timeframe.name), .integer(Int64(max(keep, 1) - 1))])
        }
    }

    public func candles(symbol: String, timeframe: Timeframe, from: Int64?, until: Int64?, limit: Int) throws -> [Candle] {
        let columns = "open_time, close_time, open, high, low, close, volume, quote_volume, trades"
        if let from {
            return try database.rows("""
                SELECT \(columns) FROM market_candles WHERE symbol = ? AND timeframe = ? AND open_time >= ? AND open_time <= ?
                ORDER BY open_time LIMIT ?
                """, [.text(symbol), .text(timeframe.name), .integer(from), .integer(until ?? .max), .integer(Int64(limit))], Self.candle)
        }
        return try database.rows("""
            SELECT \(columns) FROM market_candles WHERE symbol = ? AND timeframe = ? AND open_time <= ?
            ORDER BY open_time DESC LIMIT ?
            """, [.text(symbol), .text(timeframe.name), .integer(until ?? .max), .integer(Int64(limit))], Self.candle).reversed()
    }

    public func latestCandle(symbol: String, timeframe: Timeframe) throws -> Candle? {
        try candles(symbol: symbol, timeframe: timeframe, from: nil, until: nil, limit: 1).first
    }

    public func storeMark(_ mark: MarkPrice) throws {
        _ = try database.write {
            try database.run("""
                INSERT INTO market_marks (symbol, price, funding_rate, next_funding_time, time) VALUES (?, ?, ?, ?, ?) ON CONFLICT (symbol) DO UPDATE SET price = excluded.price, funding_rate = excluded.funding_rate, next_funding_time = excluded.next_funding_time, time = excluded.time
                """, [.text(mark.symbol), .text(mark.price.description), mark.fundingRate.map { .text($0.description) } ?? .null,
                          mark.nextFundingTime.map { .integer($0) } ?? .null, .integer(mark.time)])
        }
    }

    public func marks() throws -> [String: MarkPrice] {
        let rows = try database.rows("SELECT symbol, price, funding_rate, next_funding_time, time FROM market_marks") { row in
            MarkPrice(symbol: row.text(0), price: Amount(row.text(1)) ?? .zero, fundingRate: row.isNull(2) ? nil : Amount(row.text(2)),
                      nextFundingTime: row.isNull(3) ? nil : row.int64(3), time: row.int64(4))
        }
        return Dictionary(rows.map { ($0.symbol, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// Replaces the stored rules with these (the exchange's full list, as last read).
    public func storeSymbolRules(_ rules: [SymbolRules], at time: Timestamp) throws {
        _ = try database.write {
            try database.execute("DELETE FROM market_symbols")
            let insert = """
                INSERT INTO market_symbols (symbol, tick_size, step_size, min_quantity, max_quantity, min_notional, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """
            for rule in rules {
                _ = try database.run(insert, [.text(rule.symbol), .text(rule.tickSize.description), .text(rule.stepSize.description),
                                    .text(rule.minQuantity.description), rule.maxQuantity.map { .text($0.description) } ?? .null,
                                    rule.minNotional.map { .text($0.description) } ?? .null, .text(time.iso8601)])
            }
        }
    }

    /// The stored rules by symbol, and when they were read.
    public func symbolRules() throws -> [StoredSymbolRules] {
        try database.rows("""
            SELECT symbol, tick_size, step_size, min_quantity, max_quantity, min_notional, updated_at FROM market_symbols ORDER BY symbol
            """) { row in
            StoredSymbolRules(
                rules: SymbolRules(symbol: row.text(0), tickSize: Amount(row.text(1)) ?? .zero, stepSize: Amount(row.text(2)) ?? .zero,
                                   minQuantity: Amount(row.text(3)) ?? .zero, maxQuantity: row.isNull(4) ? nil : Amount(row.text(4)),
                                   minNotional: row.isNull(5) ? nil : Amount(row.text(5))),
                updatedAt: Timestamp(iso8601: row.text(6)) ?? Timestamp(millisecondsSinceEpoch: 0))
        }
    }

    private static func candle(_ row: any SQLRow) -> Candle {
        Candle(openTime: row.int64(0), closeTime: row.int64(1), open: Amount(row.text(2)) ?? .zero, high: Amount(row.text(3)) ?? .zero,
               low: Amount(row.text(4)) ?? .zero, close: Amount(row.text(5)) ?? .zero, volume: Amount(row.text(6)) ?? .zero,
               quoteVolume: Amount(row.text(7)) ?? .zero, trades: row.int64(8))
    }
}

/// One symbol's order filters as the bot last read them from the exchange.
public struct StoredSymbolRules: Sendable, Equatable {
    public var rules: SymbolRules
    public var updatedAt: Timestamp
}
