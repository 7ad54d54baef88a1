import AlphaCore

/// A new order as the REST layer hands it over, already parsed.
public struct NewOrderRequest: Sendable {
    public var symbol: String
    public var side: OrderSide
    public var kind: SimOrder.Kind
    public var timeInForce: SimOrder.TimeInForce?
    public var quantity: Amount
    public var price: Amount?
    public var reduceOnly = false
    public var clientOrderId: String?
    /// For STOP_MARKET and TAKE_PROFIT_MARKET.
    public var stopPrice: Amount?
    public var closePosition = false
    public var isAlgo = false

    public init(symbol: String, side: OrderSide, kind: SimOrder.Kind, timeInForce: SimOrder.TimeInForce? = nil,
                quantity: Amount, price: Amount? = nil, reduceOnly: Bool = false, clientOrderId: String? = nil) {
        self.symbol = symbol
        self.side = side
        self.kind = kind
        self.timeInForce = timeInForce
        self.quantity = quantity
        self.price = price
        self.reduceOnly = reduceOnly
        self.clientOrderId = clientOrderId
    }
}

/// One change to one order, with the fill that caused it if any: what `ORDER_TRADE_UPDATE`
/// reports, so the REST and WebSocket views come from the same facts.
public struct SimOrderUpdate: Sendable, Equatable {
    public let order: SimOrder
    public let trade: SimTrade?
}

/// The matching engine and account of the simulator: pure state, no clock or I/O of its own.
/// Orders match against the current price (there is no book of other traders): a marketable
/// order fills at once as taker, a resting limit fills as maker when the price reaches it.
public struct SimExchange: Sendable {
    public let symbols: [String: SimSymbol]
    public private(set) var prices: [String: Amount]
    /// Set only here and in the liquidation extension.
    public internal(set) var ledger: SimLedger
    public private(set) var orders: [Int64: SimOrder] = [:]
    // Indexes kept by `store`, so placing and matching do not scan every order ever placed.
    /// Ascending: ids only grow, so a new order goes at the end and the list stays in placing order.
    private var openOrderIds: [Int64] = []
    /// Newest order id per client order id (an id may be reused once its order is closed).
    private var latestByClientId: [String: Int64] = [:]
    public private(set) var leverage: [String: Int] = [:]
    /// Quantity available at each price level (one tick apart) to an order that takes liquidity,
    /// and per price update to a resting order. nil: unlimited, every order fills whole.
    public var liquidityPerLevel: Amount?
    /// "CROSSED" or "ISOLATED" per symbol (accounting is cross either way; the setting is kept and reported).
    public private(set) var marginType: [String: String] = [:]
    /// Maintenance margin as a share of the notional (the simulator's one leverage bracket) and the
    /// liquidation clearance fee, as `exchangeInfo` and `leverageBracket` report them.
    public var maintenanceMarginRate = Amount("0.004")!
    public var liquidationFeeRate = Amount("0.0125")!
    // Internal, not private: the liquidation extension places the exchange's own orders too.
    var nextOrderId: Int64 = 1_000_001

    public init(symbols: [SimSymbol] = [.btcusdt, .ethusdt], prices: [String: Amount], initialBalance: Amount) {
        self.symbols = Dictionary(uniqueKeysWithValues: symbols.map { ($0.name, $0) })
        self.prices = prices
        ledger = SimLedger(initialBalance: initialBalance)
    }

    public func symbol(_ name: String) throws(BinanceError) -> SimSymbol {
        guard let symbol = symbols[name] else { throw .badSymbol }
        return symbol
    }

    public func leverage(for symbol: String) -> Int { leverage[symbol] ?? 20 }

    public mutating func setLeverage(_ value: Int, for symbol: String) throws(BinanceError) {
        _ = try self.symbol(symbol)
        guard (1...125).contains(value) else { throw BinanceError(code: -4028, "Leverage \(value) is not valid") }
        leverage[symbol] = value
    }

    /// Binance refuses a change to the current type (-4046) and any change with open orders (-4047)
    /// or a position (-4048).
    public mutating func setMarginType(_ value: String, for symbol: String) throws(BinanceError) {
        _ = try self.symbol(symbol)
        guard value == "CROSSED" || value == "ISOLATED" else { throw .invalid("marginType") }
        guard value != (marginType[symbol] ?? "CROSSED") else { throw BinanceError(code: -4046, "No need to change margin type.") }
        guard openOrders(symbol: symbol).isEmpty else { throw BinanceError(code: -4047, "Margin type cannot be changed if there exists open orders.") }
        guard ledger.position(symbol).amount.isZero else { throw BinanceError(code: -4048, "Margin type cannot be changed if there exists position.") }
        marginType[symbol] = value
    }

    // MARK: Orders

    /// Validates and places an order, filling what crosses at once. Returns every update in order.
    public mutating func place(_ request: NewOrderRequest, time: Int64) throws(BinanceError) -> [SimOrderUpdate] {
        let spec = try symbol(request.symbol)
        guard let mark = prices[request.symbol] else { throw .badSymbol }
        if request.closePosition {
            guard request.kind.isConditional else { throw BinanceError(code: -1106, "Parameter 'closePosition' sent when not required.") }
            guard !request.reduceOnly else { throw BinanceError(code: -1106, "Parameter 'reduceOnly' sent when not required.") }
        } else {
            try spec.validate(quantity: request.quantity)
        }
        let clientOrderId = request.clientOrderId ?? "sim-\(nextOrderId)"
        guard clientOrderId.count <= 36 else { throw BinanceError(code: -4015, "Client order id length should not be more than 36 chars") }
        if let existing = latestByClientId[clientOrderId], orders[existing]?.isOpen == true {
            throw BinanceError(code: -4116, "ClientOrderId is duplicated.")
        }
        var limitPrice = Amount.zero
        var timeInForce = SimOrder.TimeInForce.gtc
        var stopPrice = Amount.zero
        switch request.kind {
        case .liquidation:
            throw BinanceError(code: -1116, "Invalid orderType.")
        case .market:
            guard request.price == nil else { throw BinanceError(code: -1106, "Parameter 'price' sent when not required.") }
        case .limit:
            guard let price = request.price else { throw .mandatory("price") }
            guard let tif = request.timeInForce else { throw .mandatory("timeInForce") }
            try spec.validate(price: price)
            limitPrice = price
            timeInForce = tif
        case .stopMarket, .takeProfitMarket:
            guard let trigger = request.stopPrice else { throw .mandatory("stopPrice") }
            try spec.validate(price: trigger)
            guard !request.kind.triggers(side: request.side, price: mark, stopPrice: trigger) else {
                throw BinanceError(code: -2021, "Order would immediately trigger.")
            }
            stopPrice = trigger
        }
        let position = ledger.position(request.symbol)
        var quantity = request.quantity
        if request.reduceOnly {
            // Reduce-only may only shrink the position; a larger quantity is cut to its size.
            guard Self.reduces(request.side, position) else { throw BinanceError(code: -2022, "ReduceOnly Order is rejected.") }
            quantity = min(quantity, position.amount.magnitude)
        } else if !request.closePosition {
            let notional = (request.kind == .limit ? limitPrice : request.kind.isConditional ? stopPrice : mark) * quantity
            guard notional >= spec.minNotional else {
                throw BinanceError(code: -4164, "Order's notional must be no smaller than \(spec.minNotional) (unless you choose reduce only).")
            }
            try checkMargin(symbol: request.symbol, notional: notional)
        }
        let crosses = request.kind == .market || (request.kind == .limit && (request.side == .buy ? limitPrice >= mark : limitPrice <= mark))
        if timeInForce == .gtx && crosses {
            throw BinanceError(code: -5022, "Due to the order could not be executed as maker, the Post Only order will be rejected.")
        }
        var order = SimOrder(orderId: nextOrderId, clientOrderId: clientOrderId, symbol: request.symbol, side: request.side,
                             kind: request.kind, timeInForce: timeInForce, price: limitPrice, quantity: request.closePosition ? .zero : quantity,
                             reduceOnly: request.reduceOnly, time: time, updateTime: time)
        order.stopPrice = stopPrice
        order.closePosition = request.closePosition
        order.isAlgo = request.isAlgo
        nextOrderId += 1
        var updates = [SimOrderUpdate(order: order, trade: nil)]
        if crosses {
            let limit: Amount? = request.kind == .limit ? limitPrice : nil
            if timeInForce == .fok && request.kind == .limit && fillable(side: request.side, from: mark, limit: limitPrice, spec: spec) < quantity {
                // Fill-or-kill that cannot fill whole: expires without a trade.
                order.status = .expired
                updates.append(SimOrderUpdate(order: order, trade: nil))
            } else {
                updates += sweep(&order, quantity: quantity, from: mark, limit: limit, spec: spec, time: time)
                if !order.remaining.isZero && (request.kind == .market || timeInForce == .ioc) {
                    // What the levels could not fill: a market or IOC order expires the rest.
                    order.status = .expired
                    order.updateTime = time
                    updates.append(SimOrderUpdate(order: order, trade: nil))
                }
            }
        } else if request.kind == .limit && (timeInForce == .ioc || timeInForce == .fok) {
            order.status = .expired
            updates.append(SimOrderUpdate(order: order, trade: nil))
        }
        store(order)
        return updates
    }

    static func reduces(_ side: OrderSide, _ position: SimPosition) -> Bool {
        side == .buy ? position.amount.isNegative : (!position.amount.isNegative && !position.amount.isZero)
    }

    /// Takes liquidity level by level from `start` (one tick further per level, never past `limit`),
    /// one trade per level: with `liquidityPerLevel` set, a large order fills partially at several prices.
    private mutating func sweep(_ order: inout SimOrder, quantity: Amount, from start: Amount, limit: Amount?, spec: SimSymbol,
                                time: Int64) -> [SimOrderUpdate] {
        guard let perLevel = liquidityPerLevel else { return [fillAtMarket(&order, quantity: quantity, price: start, time: time)] }
        var updates: [SimOrderUpdate] = []
        var left = quantity
        var price = start
        while !left.isZero {
            if let limit, order.side == .buy ? price > limit : price < limit { break }
            let chunk = min(left, perLevel)
            updates.append(fillAtMarket(&order, quantity: chunk, price: price, time: time))
            left -= chunk
            price = order.side == .buy ? price + spec.tickSize : price - spec.tickSize
        }
        return updates
    }

    /// How much an order could take between `start` and `limit` right now.
    private func fillable(side: OrderSide, from start: Amount, limit: Amount, spec: SimSymbol) -> Amount {
        guard let perLevel = liquidityPerLevel else { return Amount(Int.max) }
        let distance = side == .buy ? limit - start : start - limit
        let levels = distance.divided(by: spec.tickSize, scale: 0) + Amount(1)
        return levels * perLevel
    }

    /// Fills `quantity` at `price` as taker: the order is FILLED once nothing remains.
    mutating func fillAtMarket(_ order: inout SimOrder, quantity: Amount, price: Amount, time: Int64) -> SimOrderUpdate {
        let trade = ledger.fill(orderId: order.orderId, symbol: order.symbol, side: order.side, price: price,
                                quantity: quantity, maker: false, time: time)
        order.executedQuantity += quantity
        order.cumulativeQuote += price * quantity
        order.status = order.remaining.isZero ? .filled : .partiallyFilled
        order.updateTime = time
        return SimOrderUpdate(order: order, trade: trade)
    }

    /// Initial margin for the new notional at the symbol's leverage must fit the available balance (-2019).
    private func checkMargin(symbol: String, notional: Amount) throws(BinanceError) {
        let required = notional.divided(by: Amount(leverage(for: symbol)), scale: 8)
        guard required <= availableBalance else { throw BinanceError(code: -2019, "Margin is insufficient.") }
    }

    /// Initial margin held by the open positions at the current prices and leverage.
    public var usedMargin: Amount {
        ledger.positions.reduce(Amount.zero) { total, entry in total + initialMargin(entry.key, entry.value, at: prices[entry.key] ?? entry.value.entryPrice) }
    }

    private func initialMargin(_ symbol: String, _ position: SimPosition, at price: Amount) -> Amount {
        (position.amount.magnitude * price).divided(by: Amount(leverage(for: symbol)), scale: 8)
    }

    /// What is free for new margin or a transfer out: wallet + unrealized PnL − used margin.
    /// (In one pass over the open positions: a backtest asks once a candle.)
    public var availableBalance: Amount {
        var available = ledger.walletBalance
        for (symbol, position) in ledger.positions where !position.amount.isZero {
            let price = prices[symbol] ?? position.entryPrice
            available += position.unrealizedPnl(mark: price) - initialMargin(symbol, position, at: price)
        }
        return available
    }

    /// The order by exchange id or client id (`origClientOrderId`), open or not (-2013).
    public func order(symbol: String, orderId: Int64?, clientOrderId: String?) throws(BinanceError) -> SimOrder {
        _ = try self.symbol(symbol)
        let found: SimOrder?
        if let orderId {
            found = orders[orderId].flatMap { $0.symbol == symbol ? $0 : nil }
        } else if let clientOrderId {
            // The newest order with that client id: an id may be reused once the old order is closed.
            found = latestByClientId[clientOrderId].flatMap { orders[$0] }.flatMap { $0.symbol == symbol ? $0 : nil }
        } else {
            throw BinanceError(code: -1102, "Param 'orderId' or 'origClientOrderId' must be sent, but both were empty/null!")
        }
        guard let found else { throw .noSuchOrder }
        return found
    }

    public mutating func cancel(symbol: String, orderId: Int64?, clientOrderId: String?, time: Int64) throws(BinanceError) -> SimOrderUpdate {
        let found: SimOrder
        do throws(BinanceError) {
            found = try order(symbol: symbol, orderId: orderId, clientOrderId: clientOrderId)
        } catch where error.code == -2013 {
            throw .unknownOrderCancel
        }
        guard found.isOpen else { throw .unknownOrderCancel }
        var order = found
        order.status = .canceled
        order.updateTime = time
        store(order)
        return SimOrderUpdate(order: order, trade: nil)
    }

    /// Records an order's new state and keeps the indexes in step.
    mutating func store(_ order: SimOrder) {
        if orders[order.orderId] == nil { latestByClientId[order.clientOrderId] = order.orderId }
        orders[order.orderId] = order
        if order.isOpen {
            if !openOrderIds.contains(order.orderId) { openOrderIds.append(order.orderId) }
        } else if let index = openOrderIds.firstIndex(of: order.orderId) {
            openOrderIds.remove(at: index)
        }
    }

    /// How many orders rest on the book, every symbol.
    public var openOrderCount: Int { openOrderIds.count }

    /// Whether an open order of `symbol` satisfies `predicate` (without listing them: a backtest asks once a candle).
    public func hasOpenOrder(symbol: String, where predicate: (SimOrder) -> Bool) -> Bool {
        openOrderIds.contains { id in orders[id].map { $0.symbol == symbol && predicate($0) } ?? false }
    }

    /// Moves a price without matching or the margin check: only for a caller that has shown nothing
    /// can happen between the old price and this one (a backtest's quiet candle: nothing rests within
    /// its range and the liquidation price is outside it). Everything else goes through `setPrice`.
    public mutating func movePriceUnmatched(_ price: Amount, for symbol: String) { prices[symbol] = price }

    public func openOrders(symbol: String?) -> [SimOrder] {
        openOrderIds.compactMap { id in orders[id].flatMap { symbol == nil || $0.symbol == symbol ? $0 : nil } }
    }

    // MARK: Market

    /// Moves a price; resting limits it reaches fill as maker at their own price, triggered stops
    /// execute, and then an account whose margin fell to its maintenance margin is liquidated.
    public mutating func setPrice(_ price: Amount, for symbol: String, time: Int64) -> [SimOrderUpdate] {
        prices[symbol] = price
        var updates: [SimOrderUpdate] = []
        for var order in openOrderIds.isEmpty ? [] : openOrders(symbol: symbol) {
            if order.kind.isConditional {
                guard order.kind.triggers(side: order.side, price: price, stopPrice: order.stopPrice) else { continue }
                updates.append(trigger(&order, price: price, time: time))
                store(order)
                continue
            }
            let reached = order.side == .buy ? price <= order.price : price >= order.price
            guard reached else { continue }
            var quantity = order.remaining
            var cappedByPosition = false
            if order.reduceOnly {
                let position = ledger.position(symbol)
                quantity = Self.reduces(order.side, position) ? min(quantity, position.amount.magnitude) : .zero
                cappedByPosition = quantity < order.remaining
            }
            guard !quantity.isZero else {
                order.status = .expired
                order.updateTime = time
                store(order)
                updates.append(SimOrderUpdate(order: order, trade: nil))
                continue
            }
            if let perLevel = liquidityPerLevel { quantity = min(quantity, perLevel) }
            let trade = ledger.fill(orderId: order.orderId, symbol: symbol, side: order.side, price: order.price,
                                    quantity: quantity, maker: true, time: time)
            order.executedQuantity += quantity
            order.cumulativeQuote += order.price * quantity
            order.status = order.remaining.isZero ? .filled : .partiallyFilled
            // A reduce-only order larger than the position it closed has nothing left to do.
            if cappedByPosition && order.status == .partiallyFilled { order.status = .expired }
            order.updateTime = time
            store(order)
            updates.append(SimOrderUpdate(order: order, trade: trade))
        }
        return updates + liquidateIfBelowMaintenance(time: time)
    }

    /// A triggered conditional order executes at the market for its quantity, the position's size
    /// (closePosition), or what is left to reduce; with nothing to do it expires.
    private mutating func trigger(_ order: inout SimOrder, price: Amount, time: Int64) -> SimOrderUpdate {
        let position = ledger.position(order.symbol)
        var quantity = order.quantity
        if order.closePosition || order.reduceOnly {
            quantity = Self.reduces(order.side, position) ? (order.closePosition ? position.amount.magnitude : min(quantity, position.amount.magnitude)) : .zero
        }
        guard !quantity.isZero else {
            order.status = .expired
            order.updateTime = time
            return SimOrderUpdate(order: order, trade: nil)
        }
        if order.closePosition { order = order.withQuantity(quantity) }
        return fillAtMarket(&order, quantity: quantity, price: price, time: time)
    }

    /// Pays or charges funding on every open position at the current price.
    public mutating func applyFunding(rate: Amount, time: Int64) {
        for symbol in ledger.positions.keys.sorted() {
            ledger.fund(symbol: symbol, rate: rate, markPrice: prices[symbol] ?? .zero, time: time)
        }
    }

    public mutating func transfer(_ amount: Amount, time: Int64) { ledger.transfer(amount, time: time) }

    /// The commission rates, as fractions of the notional (a backtest sets its own).
    public mutating func setFeeRates(maker: Amount, taker: Amount) {
        ledger.makerFeeRate = maker
        ledger.takerFeeRate = taker
    }
}
