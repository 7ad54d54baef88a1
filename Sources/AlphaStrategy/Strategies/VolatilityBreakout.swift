import AlphaCore
import Foundation

/// Larry Williams' volatility breakout (seed 003): each day, go long once the price closes at or
/// above today's open + k × yesterday's range (high − low), and leave at the end of the day.
/// "Day" is the calendar day in `zone` (KST by default, as Korean traders count it), built from
/// the strategy's own candles, since Binance's 1d candles are cut at midnight UTC.
public struct VolatilityBreakout: Strategy {
    public static let descriptor = StrategyDescriptor.of(
        VolatilityBreakout.self, name: "volatility_breakout", summary: "long on a break of open + k × yesterday's range, out at the day's end",
        parameters: [
            ParameterSpec("k", .decimal(above: .zero, atMost: 2), default: "0.5", help: "the fraction of yesterday's range to break"),
            ParameterSpec("zone", .timeZone, default: "Asia/Seoul", help: "the time zone whose midnight starts a day"),
            Protection.quantity, Protection.stopFraction,
        ])

    let k: Amount, zone: TimeZone
    let quantity: Amount, stopFraction: Amount
    static let day: Int64 = 86_400_000

    public init(parameters: StrategyParameters) throws(StrategyParameterError) {
        k = parameters.decimal("k")
        zone = TimeZone(identifier: parameters.string("zone"))!
        quantity = parameters.decimal("quantity")
        stopFraction = parameters.decimal("stop_pct")
    }

    /// Two whole days of candles: yesterday's range and today's open, whatever the time of day.
    public func requirements(primary: Timeframe) -> [CandleRequirement] {
        [CandleRequirement(timeframe: primary, count: Int(2 * Self.day / primary.milliseconds) + 1)]
    }

    /// The day number of `time` in the zone (days since the epoch, counted from local midnight).
    func dayNumber(_ time: Int64) -> Int64 {
        let offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(time) / 1000))) * 1000
        let local = time + offset
        return local >= 0 ? local / Self.day : (local - Self.day + 1) / Self.day
    }

    public func decide(_ snapshot: StrategySnapshot) throws -> StrategyOutput {
        let today = dayNumber(snapshot.time)
        var output = StrategyOutput(state: snapshot.state)
        // The day is over for a position opened on an earlier one: out at the boundary.
        if snapshot.position.isLong, case .number(let text)? = snapshot.state["entered_day"],
           let entered = JSONObject.integer(fromNumber: text), entered < today {
            output.decisions.append(StrategyDecision(.targetPosition(.zero), reason: "the day of the entry has ended"))
            return output
        }
        let candles = snapshot.primaryCandles
        let todays = candles.filter { dayNumber($0.openTime) == today }
        let yesterdays = candles.filter { dayNumber($0.openTime) == today - 1 }
        guard let first = todays.first, dayNumber(first.openTime - 1) == today - 1,
              let high = yesterdays.map(\.high).max(), let low = yesterdays.map(\.low).min() else {
            return .warmingUp(snapshot.state, have: candles.count, need: requirements(primary: snapshot.timeframe)[0].count)
        }
        let trigger = first.open + k * (high - low)
        let price = snapshot.lastPrice
        guard snapshot.state["entered_day"] != .int(today), snapshot.position.isFlat, price >= trigger else { return output }
        output.signals.append(StrategySignal("breakout", ["open": .amount(first.open), "range": .amount(high - low), "trigger": .amount(trigger)]))
        output.state["entered_day"] = .int(today)
        output.decisions.append(StrategyDecision(
            .targetPosition(quantity), stopLoss: Protection.stop(from: price, fraction: stopFraction, long: true),
            reason: "price \(price) broke today's open \(first.open) + \(k) × yesterday's range \(high - low) = \(trigger)"))
        return output
    }
}
