import AlphaCore
import AlphaExchange
import Synchronization

/// An in-memory venue for kernel tests: no sockets, no threads, no clock of its own. Orders it
/// accepts exist at once; `unknownAnswers` makes the next place answer "unknown" (the order
/// executed, the answer lost) and the following queries answer "unknown" too, as a 5xx would.
final class ScriptedVenue: ExchangeVenue {
    let capabilities = VenueCapabilities.binanceUSDM
    let scripted = ScriptedAccount()
    let stream = ScriptedStream()
    let openPacer = OpenPacer()
    var account: any ExchangeAccount { scripted }
    var pacer: any RequestPacer { openPacer }
    func makeStream() -> any ExchangeStream { stream }
    let scriptedMarket = ScriptedMarketData()
    let marketStream = ScriptedMarketStream()
    var marketData: any ExchangeMarketData { scriptedMarket }
    func makeMarketStream(symbols: [String], timeframes: [Timeframe]) -> any MarketStream { marketStream }
}

/// Candles the test sets; the newest of each symbol and timeframe is the one still open.
final class ScriptedMarketData: ExchangeMarketData {
    var candles: [String: [Candle]] = [:]
    private(set) var requests = 0
    let candlesPerRequest = 1500
    var rules: [String: SymbolRules] = ["BTCUSDT": SymbolRules(symbol: "BTCUSDT", tickSize: Amount("0.1")!, stepSize: Amount("0.001")!,
                                                               minQuantity: Amount("0.001")!)]

    func symbolRules() throws -> [String: SymbolRules] { rules }

    func candles(symbol: String, timeframe: Timeframe, start: Int64?, end: Int64?, limit: Int) throws -> [Candle] {
        requests += 1
        let all = candles["\(symbol) \(timeframe.name)"] ?? []
        if let start { return Array(all.filter { $0.openTime >= start && $0.openTime <= (end ?? .max) }.prefix(limit)) }
        return Array(all.filter { $0.openTime <= (end ?? .max) }.suffix(limit))
    }
}

/// The test pushes market signals as the venue's market-stream thread would.
final class ScriptedMarketStream: MarketStream, @unchecked Sendable {
    private var handler: (@Sendable (MarketSignal) -> Void)?
    func start(_ handler: @escaping @Sendable (MarketSignal) -> Void) { self.handler = handler }
    func stop() { handler = nil }
    func emit(_ signal: MarketSignal) { handler?(signal) }
}

final class OpenPacer: RequestPacer {
    func closure(now: Int64) -> PacerClosure? { nil }
    var shouldSlowDown: Bool { false }
    var usage: JSONObject { ["requests": 0] }
}

/// The test pushes signals as the venue's stream thread would.
final class ScriptedStream: ExchangeStream, @unchecked Sendable {
    private var handler: (@Sendable (StreamSignal) -> Void)?
    func start(_ handler: @escaping @Sendable (StreamSignal) -> Void) { self.handler = handler }
    func stop() { handler = nil }
    func emit(_ signal: StreamSignal) { handler?(signal) }
}

final class ScriptedAccount: ExchangeAccount {
    let scope = Scope(on: .binanceUSDM, mode: .sim)
    /// Orders on the "exchange", by client id.
    private(set) var orders: [String: OrderPayload] = [:]
    private(set) var placeRequests = 0
    private(set) var queries = 0
    /// Place answers "unknown" after executing, then this many queries answer "unknown" as well.
    var unknownAnswers: Int?
    private var unknownQueriesLeft = 0
    var leverage: [String: Int64] = [:]

    func syncClock() throws {}
    func isHedgeMode() throws -> Bool { false }

    func place(_ order: OrderRequest, clientOrderID: String) throws -> Event {
        placeRequests += 1
        let payload = OrderPayload(symbol: order.symbol, clientOrderID: clientOrderID, orderID: String(orders.count + 1), side: order.side,
                                   type: order.type, status: .acknowledged, price: order.price ?? .zero, quantity: order.quantity ?? .zero,
                                   time: 1)
        orders[clientOrderID] = payload
        if let unknown = unknownAnswers {
            unknownAnswers = nil
            unknownQueriesLeft = unknown
            throw ExchangeError.unknown(reason: "HTTP 503: Unknown error, please check your request or try again later.")
        }
        return event(payload)
    }

    func order(symbol: String, clientOrderID: String, type: OrderType?) throws -> Event {
        queries += 1
        if unknownQueriesLeft > 0 {
            unknownQueriesLeft -= 1
            throw ExchangeError.unknown(reason: "HTTP 502: Bad Gateway")
        }
        guard let order = orders[clientOrderID] else { throw ExchangeError.notFound(message: "-2013: Order does not exist.") }
        return event(order)
    }

    func cancel(symbol: String, clientOrderID: String, type: OrderType?) throws -> Event {
        guard var order = orders[clientOrderID] else { throw ExchangeError.notFound(message: "-2013: Order does not exist.") }
        order.status = .cancelled
        orders[clientOrderID] = order
        return event(order)
    }

    func cancelAll(symbol: String) throws {
        for (id, order) in orders where order.symbol == symbol && order.status.isOpen { orders[id]?.status = .cancelled }
    }

    func openOrders(symbol: String) throws -> [Event] { orders.values.filter { $0.symbol == symbol && $0.status.isOpen }.map(event) }
    func positions(symbol: String?) throws -> [PositionPayload] { [] }
    func balances() throws -> [BalancePayload] { [] }
    func setLeverage(symbol: String, leverage: Int64) throws -> Int64? {
        self.leverage[symbol] = leverage
        return leverage
    }

    func trades(symbol: String, start: Int64?, end: Int64?, after: String?, limit: Int, clientOrderIDs: [String: String]) throws -> ExchangePage {
        ExchangePage(events: [], rows: 0, next: nil, lastTime: nil)
    }

    func funding(start: Int64, limit: Int) throws -> ExchangePage { ExchangePage(events: [], rows: 0, next: nil, lastTime: nil) }

    private func event(_ order: OrderPayload) -> Event {
        Event(type: order.status == .cancelled ? .orderCancelled : .orderPlaced, source: .rest, entityKind: .order, entityID: order.clientOrderID,
              scope: scope, dedupKey: DedupKey.order(symbol: order.symbol, orderID: order.orderID ?? "0", status: order.status,
                                                     filledQuantity: order.filledQuantity),
              payload: order.json)
    }

    /// A fill of someone's order as the stream would report it.
    func streamFill(tradeID: String, time: Int64) -> Event {
        let trade = TradePayload(symbol: "BTCUSDT", tradeID: tradeID, orderID: "77", clientOrderID: "web_manual", side: .buy,
                                 price: Amount("50000")!, quantity: Amount("0.001")!, realizedPnl: .zero, maker: false, time: time)
        return Event(type: .tradeExecuted, source: .webSocket, entityKind: .trade, entityID: "BTCUSDT:\(tradeID)", scope: scope,
                     dedupKey: DedupKey.trade(symbol: "BTCUSDT", tradeID: tradeID), payload: trade.json)
    }
}
