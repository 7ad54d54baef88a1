/// The life of an order (seed §2.3): created locally, sent, acknowledged by the exchange, filled
/// in parts or whole, or ended by cancel, reject or expiry.
///
/// `SUBMITTED` may jump straight to any exchange state because a market order's first answer can
/// already be `FILLED`. `ACKNOWLEDGED` and `PARTIALLY_FILLED` may repeat: an amended order and each
/// further partial fill are updates within the same state.
public enum OrderState: String, StateMachine {
    case new = "NEW"
    case submitted = "SUBMITTED"
    case acknowledged = "ACKNOWLEDGED"
    case partiallyFilled = "PARTIALLY_FILLED"
    case filled = "FILLED"
    case cancelled = "CANCELLED"
    case rejected = "REJECTED"
    case expired = "EXPIRED"

    public static let legalMoves: [OrderState: Set<OrderState>] = [
        .new: [.submitted, .rejected],
        .submitted: [.acknowledged, .partiallyFilled, .filled, .cancelled, .rejected, .expired],
        .acknowledged: [.acknowledged, .partiallyFilled, .filled, .cancelled, .expired],
        .partiallyFilled: [.partiallyFilled, .filled, .cancelled, .expired],
    ]

    /// True while the order can still trade.
    public var isOpen: Bool { self == .acknowledged || self == .partiallyFilled || self == .submitted }
}
