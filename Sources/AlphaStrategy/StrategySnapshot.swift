import AlphaCore

/// Everything a strategy may see when it decides, read-only and already in the past: closed
/// candles only, the account as the bot's projections hold it, its own state as it left it.
public struct StrategySnapshot: Sendable {
    public var symbol: String
    /// The timeframe the strategy runs on: a close of one of its candles triggered this call.
    public var timeframe: Timeframe
    /// The close time of that candle, plus one millisecond (the moment it became closed).
    public var time: Int64
    /// Closed candles by timeframe, oldest first, at most what `requirements` asked for. Slices, so
    /// a backtest hands each candle's window over without copying it.
    public var candles: [Timeframe: ArraySlice<Candle>]
    /// The last traded price (the close of the candle that just closed when nothing newer is known).
    public var lastPrice: Amount
    /// The mark price, when the mark-price stream has given one.
    public var markPrice: Amount?
    public var position: StrategyPosition
    /// Wallet balance plus unrealized PnL in the margin asset: what risk is measured against.
    public var equity: Amount
    public var availableBalance: Amount
    /// Its own orders still open on the exchange (the runner's, not the user's).
    public var openOrders: [StrategyOpenOrder]
    /// What it returned as `state` last time (empty on its first candle), kept across restarts.
    public var state: JSONObject
    public var parameters: StrategyParameters

    public init(symbol: String, timeframe: Timeframe, time: Int64, candles: [Timeframe: ArraySlice<Candle>], lastPrice: Amount,
                markPrice: Amount? = nil, position: StrategyPosition = .flat, equity: Amount, availableBalance: Amount,
                openOrders: [StrategyOpenOrder] = [], state: JSONObject = [:], parameters: StrategyParameters) {
        self.symbol = symbol
        self.timeframe = timeframe
        self.time = time
        self.candles = candles
        self.lastPrice = lastPrice
        self.markPrice = markPrice
        self.position = position
        self.equity = equity
        self.availableBalance = availableBalance
        self.openOrders = openOrders
        self.state = state
        self.parameters = parameters
    }

    public init(symbol: String, timeframe: Timeframe, time: Int64, candles: [Timeframe: [Candle]], lastPrice: Amount,
                markPrice: Amount? = nil, position: StrategyPosition = .flat, equity: Amount, availableBalance: Amount,
                openOrders: [StrategyOpenOrder] = [], state: JSONObject = [:], parameters: StrategyParameters) {
        self.init(symbol: symbol, timeframe: timeframe, time: time, candles: candles.mapValues { $0[...] }, lastPrice: lastPrice,
                  markPrice: markPrice, position: position, equity: equity, availableBalance: availableBalance, openOrders: openOrders,
                  state: state, parameters: parameters)
    }

    /// The closed candles of the primary timeframe, oldest first.
    public var primaryCandles: ArraySlice<Candle> { candles[timeframe] ?? [] }
}

/// The position in the strategy's symbol: signed quantity (negative is short) and entry price.
public struct StrategyPosition: Sendable, Equatable {
    public var quantity: Amount
    public var entryPrice: Amount

    public init(quantity: Amount, entryPrice: Amount) {
        self.quantity = quantity
        self.entryPrice = entryPrice
    }

    public static let flat = StrategyPosition(quantity: .zero, entryPrice: .zero)
    public var isFlat: Bool { quantity.isZero }
    public var isLong: Bool { quantity > .zero }
    public var isShort: Bool { quantity.isNegative }
}

/// One of the strategy's open orders.
public struct StrategyOpenOrder: Sendable, Equatable {
    public var clientOrderID: String
    public var side: OrderSide
    public var type: OrderType
    public var quantity: Amount
    public var price: Amount?
    public var stopPrice: Amount?

    public init(clientOrderID: String, side: OrderSide, type: OrderType, quantity: Amount, price: Amount? = nil, stopPrice: Amount? = nil) {
        self.clientOrderID = clientOrderID
        self.side = side
        self.type = type
        self.quantity = quantity
        self.price = price
        self.stopPrice = stopPrice
    }
}
