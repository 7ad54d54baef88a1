import AlphaCore
import Foundation

/// The candles before the simulator's start: a seeded random walk that ends at the start price,
/// so a strategy can warm up at once and `klines` pages back for days. Computed in `Double`
/// (a model, not money) and snapped to the symbol's tick and step as decimals.
public enum SimHistory {
    /// `minutes` one-minute candles, the last closing just before `end` (a minute boundary), at `price`.
    public static func candles(symbol: SimSymbol, price: Amount, end: Int64, minutes: Int, seed: UInt64, volatility: Double) -> [Candle] {
        guard minutes > 0 else { return [] }
        var random = SplitMix64(seed: seed ^ 0x48_4953_544F_5259)  // "HISTORY"
        let tick = NSDecimalNumber(decimal: symbol.tickSize.decimal).doubleValue
        let subSteps = 4
        let sigma = volatility * (60.0 / Double(subSteps) / (365.25 * 86_400)).squareRoot()
        // Walk backwards from the start price: each minute's points, last first.
        var points = [[Double]](repeating: [], count: minutes)
        var level = NSDecimalNumber(decimal: price.decimal).doubleValue
        for minute in stride(from: minutes - 1, through: 0, by: -1) {
            var path = [level]
            for _ in 0..<subSteps {
                level /= exp(sigma * random.nextGaussian())
                path.append(level)
            }
            points[minute] = path.reversed()  // open … close
        }
        func snap(_ value: Double) -> Amount { max(symbol.tickSize, Amount(Decimal(Int64(max(1, (value / tick).rounded())))) * symbol.tickSize) }
        var candles: [Candle] = []
        candles.reserveCapacity(minutes)
        var previousClose: Amount?
        for (index, path) in points.enumerated() {
            let open = previousClose ?? snap(path[0])
            let close = index == minutes - 1 ? price : snap(path[path.count - 1])
            let high = max(open, close, snap(path.max()!))
            let low = min(open, close, snap(path.min()!))
            // Between 20 000 and 500 000 of the quote asset a minute, as the base asset.
            let notional = 20_000 + random.nextUnit() * 480_000
            let volume = max(symbol.stepSize, Amount(Decimal(Int64(notional / NSDecimalNumber(decimal: close.decimal).doubleValue
                                                                    / NSDecimalNumber(decimal: symbol.stepSize.decimal).doubleValue))) * symbol.stepSize)
            let openTime = end - Int64(minutes - index) * SimCandleBook.minute
            candles.append(Candle(openTime: openTime, closeTime: openTime + SimCandleBook.minute - 1, open: open, high: high, low: low,
                                  close: close, volume: volume, quoteVolume: (volume * close).rounded(scale: 8),
                                  trades: 20 + Int64(random.next() % 200)))
            previousClose = close
        }
        return candles
    }
}
