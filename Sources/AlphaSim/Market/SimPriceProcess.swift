import AlphaCore
import Foundation

/// A seeded geometric Brownian motion for one price: the same seed gives the same path, so a
/// run is reproducible. The random walk itself is computed in `Double` (it is a model, not money);
/// each price it produces is snapped to the symbol's tick as a `Decimal`.
public struct SimPriceProcess: Sendable {
    /// Drift and volatility per year, as fractions (0.8 = 80 % annualized volatility).
    public let drift: Double
    public let volatility: Double
    private var random: SplitMix64

    public init(seed: UInt64, drift: Double = 0, volatility: Double = 0.8) {
        self.drift = drift
        self.volatility = volatility
        random = SplitMix64(seed: seed)
    }

    /// The price `elapsedSeconds` of market time after `price`.
    public mutating func next(from price: Amount, elapsedSeconds: Double, tick: Amount) -> Amount {
        let years = elapsedSeconds / (365.25 * 24 * 3600)
        let shock = random.nextGaussian()
        let factor = exp((drift - volatility * volatility / 2) * years + volatility * years.squareRoot() * shock)
        let raw = NSDecimalNumber(decimal: price.decimal).doubleValue * factor
        let ticks = (raw / NSDecimalNumber(decimal: tick.decimal).doubleValue).rounded()
        return max(tick, Amount(Decimal(Int64(max(1, ticks)))) * tick)
    }
}

/// SplitMix64: small, fast, and fully determined by its seed.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// Uniform in (0, 1).
    mutating func nextUnit() -> Double { (Double(next() >> 11) + 0.5) / Double(1 << 53) }

    /// Standard normal (Box–Muller).
    mutating func nextGaussian() -> Double {
        (-2 * log(nextUnit())).squareRoot() * cos(2 * .pi * nextUnit())
    }
}
