import AlphaCore

/// The market's side of the simulator, kept with the exchange under one lock so that price,
/// candles, tape, book and funding tell one story: the book sits on the last price, the tape's
/// trades are in the candles' volume, the funding history is on the candles' 8-hour marks.
struct SimMarketState {
    /// Market time in milliseconds: real time at start, then moved by the market driver, which
    /// may run it faster than the wall clock (candles, the tape and funding use it; order and
    /// API timestamps stay on the exchange's real clock, since clients sign with real time).
    var time: Int64
    var fundingRate = Amount("0.0001")!
    /// Market time per wall-clock time (the driver's speed): real times of market moments divide by it.
    var speed: Double = 1
    /// Scripted price paths, by symbol (control API).
    var paths: [String: SimPricePath] = [:]
    var tape: [String: [SimTapeTrade]] = [:]
    var nextTradeID: Int64 = 100_000_000
    static let tapeCapacity = 1000
    static let fundingInterval: Int64 = 8 * 3_600_000

    init(time: Int64) { self.time = time }

    mutating func printTrade(symbol: String, price: Amount, quantity: Amount, buyerIsMaker: Bool) -> SimTapeTrade {
        nextTradeID += 1
        let trade = SimTapeTrade(id: nextTradeID, price: price, quantity: quantity, time: time, buyerIsMaker: buyerIsMaker)
        var tape = self.tape[symbol] ?? []
        tape.append(trade)
        if tape.count > Self.tapeCapacity { tape.removeFirst(tape.count - Self.tapeCapacity) }
        self.tape[symbol] = tape
        return trade
    }

    /// The funding times (multiples of 8 h in market time, as Binance's 00:00, 08:00 and 16:00 UTC)
    /// from `start` to `end`, oldest first.
    /// When, on the real clock `realNow`, the next funding (an 8-hour mark of market time) happens.
    func nextFunding(realNow: Int64) -> Int64 {
        realNow + Int64((Double(Self.fundingInterval - time % Self.fundingInterval) / speed).rounded(.up))
    }

    static func fundingTimes(from start: Int64, to end: Int64) -> [Int64] {
        guard end >= start else { return [] }
        let first = (start + fundingInterval - 1) / fundingInterval * fundingInterval
        return Array(stride(from: first, through: end, by: Int64.Stride(fundingInterval)))
    }
}

/// A trade on the public tape (`/fapi/v1/trades`, `aggTrades`): the market's, and ours.
struct SimTapeTrade: Sendable, Equatable {
    let id: Int64
    let price: Amount
    let quantity: Amount
    let time: Int64
    let buyerIsMaker: Bool
}

/// Closes set by the control API: the candle opening at `start` closes at `closes[0]`, the next
/// at `closes[1]`, and so on; after the last the price holds there, or the random walk resumes.
public struct SimPricePath: Sendable, Equatable {
    public let start: Int64
    public let interval: Int64
    public let closes: [Amount]
    public let holdAfter: Bool

    public init(start: Int64, interval: Int64, closes: [Amount], holdAfter: Bool) {
        self.start = start
        self.interval = interval
        self.closes = closes
        self.holdAfter = holdAfter
    }

    public enum Step: Equatable {
        /// Not started: the price stays where it is.
        case hold
        case price(Amount)
        /// Over, and the random walk takes over again.
        case finished
    }

    /// Where the price is at the end of a step that ends at market time `time`: a step that ends
    /// on a candle's last instant belongs to that candle, so its close is set before it closes and
    /// the next candle's price comes only once it has begun.
    public func step(at time: Int64) -> Step {
        guard time > start else { return .hold }
        let index = Int((time - 1 - start) / interval)
        if index < closes.count { return .price(closes[index]) }
        return holdAfter ? .price(closes[closes.count - 1]) : .finished
    }

    /// The open time of the last scripted candle's successor: when the path is over.
    public var end: Int64 { start + Int64(closes.count) * interval }
}
