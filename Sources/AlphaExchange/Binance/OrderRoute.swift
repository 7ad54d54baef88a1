import AlphaCore

/// Where an order lives on Binance USDⓈ-M: plain orders on `/fapi/v1/order`, conditional ones
/// (stop, take-profit, trailing) on the Algo Order API since 2025-12-09 (reference §0.1), with
/// their own id parameter names.
public struct OrderRoute: Sendable, Equatable {
    public let path: String
    /// The parameter that names our client id when placing.
    public let newIDParameter: String
    /// The parameter that names our client id when querying or cancelling.
    public let queryIDParameter: String
    public let isAlgo: Bool

    public static let plain = OrderRoute(path: "/fapi/v1/order", newIDParameter: "newClientOrderId",
                                         queryIDParameter: "origClientOrderId", isAlgo: false)
    public static let algo = OrderRoute(path: "/fapi/v1/algoOrder", newIDParameter: "clientAlgoId",
                                        queryIDParameter: "clientAlgoId", isAlgo: true)

    public static func `for`(_ type: OrderType?) -> OrderRoute { type?.isConditional == true ? .algo : .plain }

    /// The parameters for looking up or cancelling one order by our client id.
    public func query(symbol: String, clientOrderID: String) -> [(String, String)] {
        [("symbol", symbol), (queryIDParameter, clientOrderID)]
    }

    /// Placing parameters in this route's dialect: the algo API calls the stop price
    /// `triggerPrice` and needs `algoType`.
    public func placing(_ parameters: [(String, String)], clientOrderID: String) -> [(String, String)] {
        guard isAlgo else { return parameters + [(newIDParameter, clientOrderID)] }
        return [("algoType", "CONDITIONAL")] + parameters.map { $0.0 == "stopPrice" ? ("triggerPrice", $0.1) : $0 }
            + [(newIDParameter, clientOrderID)]
    }
}
