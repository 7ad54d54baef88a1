import AlphaCore
import AlphaSystem
import Foundation
import Synchronization

/// A `MarketStream` for a venue whose candles the bot reads over REST (Upbit has no candle
/// stream its private session carries): every `intervalMilliseconds` it asks for each symbol's
/// newest candles of each timeframe and says what changed — the candle in progress, each one
/// that closed since the last poll (its final state, once), and the last price as the mark.
/// A failed poll is a disconnection; the next good one, a connection (the receiver back-fills).
public final class PollingMarketStream: MarketStream, Sendable {
    private let makeMarketData: @Sendable () -> any ExchangeMarketData
    private let symbols: [String]
    private let timeframes: [Timeframe]
    private let intervalMilliseconds: Int
    private let thread = BackgroundThread(name: "alphaengine-market-poll")

    /// `makeMarketData` builds the client this stream's thread uses (a client is single-threaded).
    public init(makeMarketData: @escaping @Sendable () -> any ExchangeMarketData, symbols: [String], timeframes: [Timeframe],
                intervalMilliseconds: Int = 1000) {
        self.makeMarketData = makeMarketData
        self.symbols = symbols
        self.timeframes = timeframes
        self.intervalMilliseconds = intervalMilliseconds
    }

    public func start(_ handler: @escaping @Sendable (MarketSignal) -> Void) {
        thread.start { [self] in run(emit: handler) }
    }

    /// Returns when the thread has ended (within one poll's requests and 100 ms).
    public func stop() { thread.stop() }

    private var isRunning: Bool { thread.isRunning }

    private func run(emit: @Sendable (MarketSignal) -> Void) {
        let data = makeMarketData()
        var trackers: [String: Tracker] = [:]
        var connected = false
        let pause = Reconnection(baseMilliseconds: intervalMilliseconds, maxMilliseconds: intervalMilliseconds)
        while isRunning {
            do {
                var signals: [MarketSignal] = []
                for symbol in symbols {
                    var last: Candle?
                    for timeframe in timeframes {
                        let key = "\(symbol) \(timeframe.name)"
                        let candles = try data.candles(symbol: symbol, timeframe: timeframe, start: nil, end: nil, limit: 3)
                        signals += trackers[key, default: Tracker()].signals(symbol: symbol, timeframe: timeframe, newest: candles)
                        if let newest = candles.last, newest.closeTime >= (last?.closeTime ?? .min) { last = newest }
                    }
                    if let last { signals.append(.mark(MarkPrice(symbol: symbol, price: last.close, time: Timestamp.now().millisecondsSinceEpoch))) }
                }
                if !connected { emit(.connected) }
                connected = true
                signals.forEach(emit)
            } catch {
                if connected { emit(.disconnected(reason: "\(error)")) }
                connected = false
                trackers = [:]  // after a gap the receiver back-fills; closes are tracked afresh
            }
            pause.sleep(milliseconds: intervalMilliseconds) { isRunning }
        }
    }

    /// What one symbol's timeframe has said so far: the newest candle it reported closed.
    struct Tracker {
        var lastClosedOpen: Int64?
        var inProgress: Candle?

        /// The signals for a poll's newest candles (oldest first, the last in progress): the ones
        /// that closed since, each once (not before the first poll: what came earlier is history),
        /// then the one in progress when it changed.
        mutating func signals(symbol: String, timeframe: Timeframe, newest candles: [Candle]) -> [MarketSignal] {
            guard let current = candles.last else { return [] }
            var signals: [MarketSignal] = []
            let closed = candles.dropLast()
            if let lastClosedOpen {
                for candle in closed where candle.openTime > lastClosedOpen {
                    signals.append(.candle(symbol: symbol, timeframe: timeframe, candle: candle, closed: true))
                }
            }
            lastClosedOpen = max(lastClosedOpen ?? .min, closed.last?.openTime ?? current.openTime - 1)
            if current != inProgress {
                signals.append(.candle(symbol: symbol, timeframe: timeframe, candle: current, closed: false))
                inProgress = current
            }
            return signals
        }
    }
}
