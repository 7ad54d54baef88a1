/// A typed view of an event payload. Payloads are stored as JSON objects; these types read and
/// write them with field-level errors and exact decimal strings.
public protocol Payload: Sendable, Equatable {
    init(json: JSONObject) throws(PayloadError)
    var json: JSONObject { get }
}

/// BUY or SELL, as Binance writes them.
public enum OrderSide: String, Sendable, CaseIterable {
    case buy = "BUY", sell = "SELL"
}

/// The order types AlphaEngine places or may meet on the account.
public enum OrderType: String, Sendable, CaseIterable {
    case market = "MARKET", limit = "LIMIT", stop = "STOP", stopMarket = "STOP_MARKET"
    case takeProfit = "TAKE_PROFIT", takeProfitMarket = "TAKE_PROFIT_MARKET"
    case trailingStopMarket = "TRAILING_STOP_MARKET", liquidation = "LIQUIDATION"

    /// Conditional types, which Binance takes only through the Algo Order API since 2025-12-09
    /// (`/fapi/v1/order` answers -4120).
    public var isConditional: Bool {
        switch self {
        case .stop, .stopMarket, .takeProfit, .takeProfitMarket, .trailingStopMarket: true
        case .market, .limit, .liquidation: false
        }
    }
}
