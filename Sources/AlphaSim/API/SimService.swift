import AlphaCore
import AlphaHTTP
import AlphaJSON
import Foundation
import Synchronization

/// How a simulator starts: keys, money, prices.
public struct SimConfiguration: Sendable {
    public var apiKey: String
    public var apiSecret: String
    public var initialBalance = Amount("10000")!
    public var prices: [String: Amount] = ["BTCUSDT": Amount("50000")!, "ETHUSDT": Amount("3000")!]
    /// Milliseconds added to the real clock (a fault: a skewed exchange clock).
    public var clockSkewMilliseconds: Int64 = 0

    public init(apiKey: String, apiSecret: String) {
        self.apiKey = apiKey
        self.apiSecret = apiSecret
    }

    /// Fresh random keys, 64 hex characters each, like Binance's.
    public static func randomKeys() -> SimConfiguration {
        func hex() -> String { (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined() }
        return SimConfiguration(apiKey: hex(), apiSecret: hex())
    }
}

/// The simulator's REST face: Binance's paths, parameters, security and JSON over one
/// `SimExchange`, which is guarded by a mutex (handlers run on several event loops).
public final class SimService: Sendable {
    public let configuration: SimConfiguration
    let state: Mutex<SimState>
    let authenticator: RequestAuthenticator
    let userStreams = UserStreamHub()

    struct SimState {
        var exchange: SimExchange
        var listenKey: (key: String, expires: Int64)?

        /// The listenKey user events go to, if one is live.
        func liveListenKey(at time: Int64) -> String? {
            guard let listenKey, listenKey.expires > time else { return nil }
            return listenKey.key
        }
        var weight = RequestWeight()
    }

    public init(configuration: SimConfiguration) {
        self.configuration = configuration
        let skew = configuration.clockSkewMilliseconds
        state = Mutex(SimState(exchange: SimExchange(prices: configuration.prices, initialBalance: configuration.initialBalance)))
        authenticator = RequestAuthenticator(apiKey: configuration.apiKey, apiSecret: configuration.apiSecret,
                                             now: { Timestamp.now().millisecondsSinceEpoch + skew })
    }

    /// The exchange's clock in milliseconds.
    public func now() -> Int64 { Timestamp.now().millisecondsSinceEpoch + configuration.clockSkewMilliseconds }

    /// Runs `body` on the exchange state (tests and the control API use this to read the ledger).
    public func withExchange<T: Sendable>(_ body: (inout SimExchange) throws -> T) rethrows -> T {
        try state.withLock { try body(&$0.exchange) }
    }

    /// Changes the exchange and streams the resulting order updates to user-data sessions.
    func mutate<T>(_ body: (inout SimExchange, Int64) throws(BinanceError) -> (T, [SimOrderUpdate])) throws(BinanceError) -> T {
        let time = now()
        let (result, events, listenKey) = try state.withLock { state throws(BinanceError) -> (T, [[UInt8]], String?) in
            let (result, updates) = try body(&state.exchange, time)
            return (result, Self.events(for: updates, in: state.exchange, time: time), state.liveListenKey(at: time))
        }
        publish(events, listenKey: listenKey)
        return result
    }

    /// Moves a symbol's price (the market process and the control API call this).
    public func setPrice(_ price: Amount, for symbol: String) {
        _ = try? mutate { exchange, time throws(BinanceError) in ((), exchange.setPrice(price, for: symbol, time: time)) }
    }

    /// All routes, ready for an `HTTPServer`.
    public var router: Router {
        var router = Router()
        addMarketRoutes(to: &router)
        addOrderRoutes(to: &router)
        addAccountRoutes(to: &router)
        addStreamRoutes(to: &router)
        router.fallback = { _ in .response(BinanceError(status: 404, code: -1000, "Unknown endpoint.").response) }
        return router
    }

    typealias Endpoint = @Sendable (HTTPRequest, BinanceParameters) throws(BinanceError) -> [UInt8]

    /// Wraps an endpoint with Binance's parameter reading, security check, weight accounting
    /// and error JSON; every response carries `X-MBX-USED-WEIGHT-1M`.
    func endpoint(_ security: SecurityType, weight: Int, _ body: @escaping Endpoint) -> HTTPHandler {
        { [self] request in
            let used = state.withLock { $0.weight.add(weight, now: now()) }
            var response: HTTPResponse
            do throws(BinanceError) {
                let parameters = try BinanceParameters(request)
                try authenticator.authenticate(request, parameters, security: security)
                response = .json(bytes: try body(request, parameters))
            } catch {
                response = error.response
            }
            response.setHeader("X-MBX-USED-WEIGHT-1M", String(used))
            return .response(response)
        }
    }

    /// Writes a JSON document with the streaming writer.
    static func json(_ build: (inout JSONWriter) -> Void) -> [UInt8] {
        var writer = JSONWriter(capacity: 1024)
        build(&writer)
        return writer.bytes
    }
}

/// Request weight used in the current minute (reported on every response).
struct RequestWeight {
    private var minute: Int64 = 0
    private var used = 0

    mutating func add(_ weight: Int, now: Int64) -> Int {
        let current = now / 60_000
        if current != minute {
            minute = current
            used = 0
        }
        used += weight
        return used
    }
}
