import AlphaCore
import AlphaJSON

/// Market stream events (reference §1, "Market streams for klines and mark price").
enum MarketEvents {
    static func markPrice(symbol: String, price: Amount, fundingRate: Amount, nextFunding: Int64, time: Int64) -> [UInt8] {
        SimService.json { writer in
            writer.beginObject()
            writer.key("e"); writer.value("markPriceUpdate")
            writer.key("E"); writer.value(time)
            writer.key("s"); writer.value(symbol)
            writer.key("p"); writer.value(price.formatted(scale: 8))
            writer.key("i"); writer.value(price.formatted(scale: 8))
            writer.key("P"); writer.value(price.formatted(scale: 8))
            writer.key("r"); writer.value(fundingRate.formatted(scale: 8))
            writer.key("T"); writer.value(nextFunding)
            writer.endObject()
        }
    }

    static func kline(symbol: String, interval: String, candle: Candle, closed: Bool, spec: SimSymbol, time: Int64) -> [UInt8] {
        SimService.json { writer in
            writer.beginObject()
            writer.key("e"); writer.value("kline")
            writer.key("E"); writer.value(time)
            writer.key("s"); writer.value(symbol)
            writer.key("k")
            writer.beginObject()
            writer.key("t"); writer.value(candle.openTime)
            writer.key("T"); writer.value(candle.closeTime)
            writer.key("s"); writer.value(symbol)
            writer.key("i"); writer.value(interval)
            writer.key("f"); writer.value(0)
            writer.key("L"); writer.value(0)
            writer.key("o"); writer.value(candle.open.formatted(scale: spec.pricePrecision))
            writer.key("c"); writer.value(candle.close.formatted(scale: spec.pricePrecision))
            writer.key("h"); writer.value(candle.high.formatted(scale: spec.pricePrecision))
            writer.key("l"); writer.value(candle.low.formatted(scale: spec.pricePrecision))
            writer.key("v"); writer.value(candle.volume.formatted(scale: spec.quantityPrecision))
            writer.key("n"); writer.value(candle.trades)
            writer.key("x"); writer.value(closed)
            writer.key("q"); writer.value(candle.quoteVolume.formatted(scale: 8))
            writer.key("V"); writer.value("0")
            writer.key("Q"); writer.value("0")
            writer.key("B"); writer.value("0")
            writer.endObject()
            writer.endObject()
        }
    }

    /// A kline as the REST array: [openTime, open, high, low, close, volume, closeTime, quoteVolume, trades, …].
    static func klineRow(_ candle: Candle, spec: SimSymbol, into writer: inout JSONWriter) {
        writer.beginArray()
        writer.value(candle.openTime)
        writer.value(candle.open.formatted(scale: spec.pricePrecision))
        writer.value(candle.high.formatted(scale: spec.pricePrecision))
        writer.value(candle.low.formatted(scale: spec.pricePrecision))
        writer.value(candle.close.formatted(scale: spec.pricePrecision))
        writer.value(candle.volume.formatted(scale: spec.quantityPrecision))
        writer.value(candle.closeTime)
        writer.value(candle.quoteVolume.formatted(scale: 8))
        writer.value(candle.trades)
        writer.value("0")
        writer.value("0")
        writer.value("0")
        writer.endArray()
    }
}
