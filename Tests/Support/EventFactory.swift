import AlphaCore

/// Makes random but valid event streams: orders that walk legal paths through their state
/// machine, fills with unique trade ids, fees, funding, position and balance snapshots, engine,
/// stream and reconciliation events — and, on request, copies of earlier facts under the same
/// dedup key, as the WebSocket and REST channels produce them.
public struct EventFactory {
    public var generator: SeededGenerator
    public let scope: Scope
    private var clock: Int64 = 1_790_000_000_000
    private var nextOrderID: Int64 = 1
    private var nextTradeID: Int64 = 1
    private var nextTransactionID: Int64 = 1
    private var openOrders: [OrderPayload] = []
    private var emitted: [Event] = []
    private let symbols = ["BTCUSDT", "ETHUSDT", "XRPUSDT"]
    private let assets = ["USDT", "BNB"]

    /// The longest gap between two events; the default (a day) spreads facts over many daily
    /// PnL buckets, a minute makes a million events about a year of trading.
    public let maxStepMilliseconds: Int64

    /// With this many orders open, the next order event moves one of them on instead of placing
    /// another (a real account has a handful open; unbounded, random walks leave thousands).
    public let maxOpenOrders: Int

    public init(seed: UInt64, mode: TradingMode = .sim, maxStepMilliseconds: Int64 = 90_000_000, maxOpenOrders: Int = .max) {
        generator = SeededGenerator(seed: seed)
        scope = Scope(on: .binanceUSDM, mode: mode)
        self.maxStepMilliseconds = maxStepMilliseconds
        self.maxOpenOrders = maxOpenOrders
    }

    /// The next new fact.
    public mutating func next() -> Event {
        clock += Int64.random(in: 1...maxStepMilliseconds, using: &generator)
        let event: Event
        switch Int.random(in: 0..<100, using: &generator) {
        case 0..<30: event = orderEvent()
        case 30..<50: event = tradeEvent()
        case 50..<58: event = feeEvent()
        case 58..<63: event = fundingEvent()
        case 63..<73: event = positionEvent()
        case 73..<83: event = balanceEvent()
        case 83..<90: event = engineEvent()
        case 90..<95: event = streamEvent()
        default: event = reconcileEvent()
        }
        emitted.append(event)
        return event
    }

    /// A second copy of a fact already emitted: same dedup key, new event id, other channel.
    public mutating func duplicateOfEarlier() -> Event? {
        guard var copy = emitted.randomElement(using: &generator) else { return nil }
        copy.id = Identifier.random()
        copy.source = copy.source == .webSocket ? .rest : .webSocket
        return copy
    }

    /// A mix of new facts (about 80 %) and duplicates of earlier ones.
    public mutating func sequence(count: Int) -> [Event] {
        (0..<count).map { _ in
            if Int.random(in: 0..<5, using: &generator) == 0, let copy = duplicateOfEarlier() { return copy }
            return next()
        }
    }

    // MARK: Kinds

    private mutating func amount(_ range: ClosedRange<Int>, scale: Int) -> Amount {
        var text = String(Int.random(in: range, using: &generator))
        if scale > 0 {
            if text.hasPrefix("-") { text.removeFirst(); text = "-" + String(repeating: "0", count: max(0, scale + 1 - text.count)) + text }
            else { text = String(repeating: "0", count: max(0, scale + 1 - text.count)) + text }
            text.insert(".", at: text.index(text.endIndex, offsetBy: -scale))
        }
        return Amount(text)!
    }

    private mutating func event(_ type: EventType, _ kind: EntityKind, _ id: String, _ key: String,
                                _ payload: JSONObject, symbol: String? = nil) -> Event {
        Event(type: type, ts: Timestamp(millisecondsSinceEpoch: clock),
              source: Bool.random(using: &generator) ? .webSocket : .rest, entityKind: kind, entityID: id,
              scope: scope.with(symbol: symbol), dedupKey: key, payload: payload)
    }

    private mutating func orderEvent() -> Event {
        // Advance an open order along a legal path, or place a new one.
        if !openOrders.isEmpty, openOrders.count >= maxOpenOrders || Bool.random(using: &generator) {
            let index = Int.random(in: 0..<openOrders.count, using: &generator)
            var order = openOrders[index]
            let moves = OrderState.legalMoves[order.status]!.filter { $0 != .acknowledged || order.status == .submitted }
            let next = moves.randomElement(using: &generator)!
            order.status = next
            if next == .partiallyFilled {
                let remaining = order.quantity - order.filledQuantity
                let step = amount(1...100, scale: 3)
                order.filledQuantity += min(step, remaining)
                if order.filledQuantity == order.quantity { order.status = .filled }
            }
            if next == .filled { order.filledQuantity = order.quantity }
            if order.orderID == nil, next != .rejected { order.orderID = String(nextOrderID); nextOrderID += 1 }
            order.averagePrice = order.filledQuantity.isZero ? .zero : order.price
            order.time = clock
            if order.status.isTerminal { openOrders.remove(at: index) } else { openOrders[index] = order }
            let type: EventType = switch order.status {
            case .cancelled, .expired: .orderCancelled
            case .rejected: .orderRejected
            default: .orderUpdated
            }
            let key = order.orderID.map {
                DedupKey.order(symbol: order.symbol, orderID: $0, status: order.status, filledQuantity: order.filledQuantity)
            } ?? DedupKey.localOrder(clientOrderID: try! ClientOrderID(validating: order.clientOrderID), status: order.status)
            return event(type, .order, order.clientOrderID, key, order.json, symbol: order.symbol)
        }
        let order = OrderPayload(
            symbol: symbols.randomElement(using: &generator)!, clientOrderID: "ae-" + Identifier.random(), orderID: nil,
            side: Bool.random(using: &generator) ? .buy : .sell, type: Bool.random(using: &generator) ? .limit : .market,
            status: .submitted, price: amount(1...9_000_000, scale: 2), quantity: amount(1...5_000, scale: 3), time: clock
        )
        openOrders.append(order)
        return event(.orderPlaced, .order, order.clientOrderID,
                     DedupKey.localOrder(clientOrderID: try! ClientOrderID(validating: order.clientOrderID), status: .submitted),
                     order.json, symbol: order.symbol)
    }

    private mutating func tradeEvent() -> Event {
        let symbol = symbols.randomElement(using: &generator)!
        let trade = TradePayload(
            symbol: symbol, tradeID: String(nextTradeID), orderID: String(Int64.random(in: 1...1000, using: &generator)),
            clientOrderID: nil, side: Bool.random(using: &generator) ? .buy : .sell,
            price: amount(1...9_000_000, scale: 2), quantity: amount(1...5_000, scale: 3),
            realizedPnl: amount(-50_000...50_000, scale: 4), maker: Bool.random(using: &generator), time: clock
        )
        nextTradeID += 1
        return event(.tradeExecuted, .trade, "\(symbol):\(trade.tradeID)",
                     DedupKey.trade(symbol: symbol, tradeID: trade.tradeID), trade.json, symbol: symbol)
    }

    private mutating func feeEvent() -> Event {
        let symbol = symbols.randomElement(using: &generator)!
        let fee = FeePayload(symbol: symbol, tradeID: String(nextTradeID), asset: assets.randomElement(using: &generator)!,
                             amount: amount(1...90_000, scale: 8), time: clock)
        nextTradeID += 1
        return event(.feeCharged, .fee, "\(symbol):\(fee.tradeID)",
                     DedupKey.fee(symbol: symbol, tradeID: fee.tradeID), fee.json, symbol: symbol)
    }

    private mutating func fundingEvent() -> Event {
        let symbol = symbols.randomElement(using: &generator)!
        let funding = FundingPayload(symbol: symbol, asset: "USDT", amount: amount(-9_000...9_000, scale: 6),
                                     transactionID: String(nextTransactionID), time: clock)
        nextTransactionID += 1
        return event(.fundingApplied, .funding, "\(symbol):\(funding.transactionID)",
                     DedupKey.funding(symbol: symbol, transactionID: funding.transactionID), funding.json, symbol: symbol)
    }

    private mutating func positionEvent() -> Event {
        let symbol = symbols.randomElement(using: &generator)!
        let flat = Int.random(in: 0..<4, using: &generator) == 0
        let position = PositionPayload(symbol: symbol, amount: flat ? .zero : amount(-5_000...5_000, scale: 3),
                                       entryPrice: flat ? .zero : amount(1...9_000_000, scale: 2),
                                       unrealizedPnl: amount(-10_000...10_000, scale: 4), reason: "ORDER", time: clock)
        return event(.positionChanged, .position, symbol,
                     DedupKey.position(symbol: symbol, updateTime: clock, amount: position.amount), position.json, symbol: symbol)
    }

    private mutating func balanceEvent() -> Event {
        let asset = assets.randomElement(using: &generator)!
        let wallet = amount(0...100_000_000, scale: 8)
        let balance = BalancePayload(asset: asset, walletBalance: wallet, crossWalletBalance: wallet,
                                     change: amount(-1_000_000...1_000_000, scale: 8), reason: "ORDER", time: clock)
        return event(.balanceChanged, .balance, asset,
                     DedupKey.balance(asset: asset, updateTime: clock, walletBalance: wallet), balance.json)
    }

    private mutating func engineEvent() -> Event {
        let bootID = Identifier.random()
        switch Int.random(in: 0..<5, using: &generator) {
        case 0:
            let payload = EngineStartedPayload(bootID: bootID, state: [.running, .paused].randomElement(using: &generator)!,
                                               mode: EngineMode.allCases.randomElement(using: &generator)!)
            return event(.engineStarted, .engine, "engine", DedupKey.engine(bootID: bootID, transition: "started"), payload.json)
        case 1:
            return event(.enginePaused, .engine, "engine", DedupKey.engine(bootID: bootID, transition: "paused"),
                         EngineReasonPayload(reason: "user").json)
        case 2:
            return event(.engineResumed, .engine, "engine", DedupKey.engine(bootID: bootID, transition: "resumed"),
                         EngineReasonPayload(reason: "user").json)
        case 3:
            let payload = EngineModePayload(mode: EngineMode.allCases.randomElement(using: &generator)!, reason: "user")
            return event(.engineModeChanged, .engine, "engine", DedupKey.engine(bootID: bootID, transition: "mode"), payload.json)
        default:
            return event(.engineStopped, .engine, "engine", DedupKey.engine(bootID: bootID, transition: "stopped"),
                         EngineReasonPayload(reason: "signal").json)
        }
    }

    private mutating func streamEvent() -> Event {
        let connection = Identifier.random()
        let type: EventType = [.webSocketConnected, .webSocketDisconnected, .webSocketReconnected].randomElement(using: &generator)!
        let payload = StreamPayload(connectionID: connection, willReconnect: Bool.random(using: &generator), reason: "test")
        return event(type, .stream, connection, DedupKey.stream(connectionID: connection, event: type), payload.json)
    }

    private mutating func reconcileEvent() -> Event {
        let run = Identifier.random()
        if Bool.random(using: &generator) {
            let drift = DriftPayload(runID: run, entity: "position:BTCUSDT", field: "amount", expected: "1", actual: "2")
            return event(.driftDetected, .reconciliation, run, DedupKey.drift(runID: run, entity: drift.entity), drift.json)
        }
        let payload = ReconciliationPayload(runID: run, trigger: "timer", drifts: Int64.random(in: 0...3, using: &generator), time: clock)
        return event(.reconciliationPerformed, .reconciliation, run, DedupKey.reconciliation(runID: run), payload.json)
    }
}
