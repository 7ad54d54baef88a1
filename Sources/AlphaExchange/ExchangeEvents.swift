import AlphaCore

/// The events a venue's facts become, the same for every venue: an order's state, a fill, its
/// fee, each with the dedup key its REST and stream copies share.
enum ExchangeEvents {
    static func order(_ payload: OrderPayload, source: EventSource, scope: Scope) -> Event {
        let type: EventType = switch payload.status {
        case .acknowledged: .orderPlaced
        case .cancelled: .orderCancelled
        case .rejected: .orderRejected
        default: .orderUpdated
        }
        let key = DedupKey.order(symbol: payload.symbol, orderID: payload.orderID ?? "0", status: payload.status,
                                 filledQuantity: payload.filledQuantity)
        return Event(type: type, source: source, entityKind: .order, entityID: payload.clientOrderID, scope: scope, dedupKey: key,
                     payload: payload.json)
    }

    static func trade(_ payload: TradePayload, source: EventSource, scope: Scope) -> Event {
        Event(type: .tradeExecuted, source: source, entityKind: .trade, entityID: "\(payload.symbol):\(payload.tradeID)", scope: scope,
              dedupKey: DedupKey.trade(symbol: payload.symbol, tradeID: payload.tradeID), payload: payload.json)
    }

    static func fee(_ payload: FeePayload, source: EventSource, scope: Scope) -> Event {
        Event(type: .feeCharged, source: source, entityKind: .fee, entityID: "\(payload.symbol):\(payload.tradeID)", scope: scope,
              dedupKey: DedupKey.fee(symbol: payload.symbol, tradeID: payload.tradeID), payload: payload.json)
    }
}
