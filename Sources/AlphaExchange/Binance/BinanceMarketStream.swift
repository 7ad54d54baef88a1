import AlphaCore
import AlphaJSON
import AlphaSystem
import AlphaWebSocket
import Foundation
import Synchronization

/// Binance's market streams for some symbols on one combined connection
/// (`/market/stream?streams=btcusdt@kline_1m/btcusdt@markPrice@1s`, reference §1): klines of
/// each timeframe and the mark price every second. Reconnected with jittered backoff, pinged
/// when silent, rotated before the 24-hour cut. No key: market data is public.
public final class BinanceMarketStream: MarketStream, Sendable {
    private let url: String
    private let settings: UserDataStream.Settings
    private let thread = BackgroundThread(name: "alphaengine-market-stream")

    public init(webSocketBase: String, symbols: [String], timeframes: [Timeframe], settings: UserDataStream.Settings = .init()) {
        let base = webSocketBase.hasSuffix("/") ? String(webSocketBase.dropLast()) : webSocketBase
        var names: [String] = []
        for symbol in symbols.map({ $0.lowercased() }) {
            names += timeframes.map { "\(symbol)@kline_\($0.name)" }
            names.append("\(symbol)@markPrice@1s")
        }
        url = "\(base)/market/stream?streams=\(names.joined(separator: "/"))"
        self.settings = settings
    }

    public func start(_ handler: @escaping @Sendable (MarketSignal) -> Void) {
        // The handler goes to the thread as a plain value. It used to live in a Mutex and be read
        // with `withLock { $0 }`: that inout access wrote the closure back re-abstracted, one more
        // thunk a message, so each call went deeper — the stream thread's stack grew ~500 bytes
        // a message and would have overflowed within hours (found by the soak run).
        thread.start { [self] in run(emit: handler) }
    }

    /// Stops within about a second (the receive timeout) and returns when the thread has ended.
    public func stop() { thread.stop() }

    private var isRunning: Bool { thread.isRunning }

    private func run(emit: @Sendable (MarketSignal) -> Void) {
        let reconnection = Reconnection(baseMilliseconds: settings.backoffBaseMilliseconds, maxMilliseconds: settings.backoffMaxMilliseconds)
        var failures = 0
        while isRunning {
            let reason = session(emit: emit)
            guard isRunning else { break }
            emit(.disconnected(reason: reason.text))
            failures = reason.healthy ? 0 : failures + 1
            reconnection.sleep(milliseconds: reconnection.delay(afterFailures: failures)) { isRunning }
        }
    }

    /// One connection, until something ends it; returns why.
    private func session(emit: @Sendable (MarketSignal) -> Void) -> (text: String, healthy: Bool) {
        var options = WebSocketClient.Options()
        options.connectTimeoutMilliseconds = settings.connectTimeoutMilliseconds
        let socket: WebSocketClient
        do { socket = try WebSocketClient(url: url, options: options) } catch { return ("connect: \(error)", false) }
        defer { socket.close(waitMilliseconds: 200) }
        emit(.connected)
        let opened = MonotonicClock.milliseconds()
        var lastTraffic = opened
        var pinged = false
        while isRunning {
            let event: WebSocketEvent?
            do { event = try socket.receive(timeoutMilliseconds: 1000) } catch { return ("\(error)", false) }
            let time = MonotonicClock.milliseconds()
            if let event {
                lastTraffic = time
                pinged = false
                switch event {
                case .text(let text):
                    if let signal = Self.signal(text) { emit(signal) }
                case .close(let code, let reason):
                    return ("closed by the server (\(code) \(reason))", false)
                default:
                    break
                }
            }
            if time - opened >= Int64(settings.rotationMilliseconds) { return ("rotation before the 24-hour limit", true) }
            if time - lastTraffic >= Int64(settings.silenceMilliseconds) {
                if pinged { return ("silent for \(settings.silenceMilliseconds * 2) ms (ping unanswered)", false) }
                try? socket.ping()
                pinged = true
                lastTraffic = time
            }
        }
        return ("stopped", true)
    }

    /// A kline or mark-price message (wrapped or not) as a signal; nil for anything else.
    static func signal(_ text: String) -> MarketSignal? {
        guard let object = try? JSONParser.parseObject(text) else { return nil }
        let data: JSONObject
        if case .object(let inner)? = object["data"] { data = inner } else { data = object }
        guard case .string(let symbol)? = data["s"] else { return nil }
        switch data["e"] {
        case "kline":
            guard case .object(let k)? = data["k"], case .string(let interval)? = k["i"], let timeframe = Timeframe(interval),
                  let (candle, closed) = BinanceMarketData.candle(stream: k) else { return nil }
            return .candle(symbol: symbol, timeframe: timeframe, candle: candle, closed: closed)
        case "markPriceUpdate":
            guard case .string(let price)? = data["p"], let mark = Amount(price), case .number(let eventTime)? = data["E"],
                  let time = Int64(eventTime) else { return nil }
            let rate: Amount? = if case .string(let text)? = data["r"] { Amount(text) } else { nil }
            let next: Int64? = if case .number(let text)? = data["T"] { Int64(text) } else { nil }
            return .mark(MarkPrice(symbol: symbol, price: mark, fundingRate: rate, nextFundingTime: next, time: time))
        default:
            return nil
        }
    }
}
