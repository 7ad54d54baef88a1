import AlphaCore

/// Where the exchange is: REST base URL and WebSocket base URL.
public struct Endpoints: Sendable, Equatable {
    public var rest: String
    public var webSocket: String

    public init(rest: String, webSocket: String) {
        self.rest = rest
        self.webSocket = webSocket
    }

    /// Binance USDⓈ-M's published endpoints; the simulator's default loopback address.
    public static func defaults(for mode: TradingMode) -> Endpoints {
        switch mode {
        case .production: Endpoints(rest: "https://fapi.binance.com", webSocket: "wss://fstream.binance.com")
        case .testnet: Endpoints(rest: "https://testnet.binancefuture.com", webSocket: "wss://stream.binancefuture.com")
        case .sim: Endpoints(rest: "http://127.0.0.1:9901", webSocket: "ws://127.0.0.1:9901")
        }
    }
}

/// Where each mode keeps its database: production, testnet and sim never share a file.
public func databasePath(dataDirectory: String, mode: TradingMode) -> String {
    let directory = dataDirectory.hasSuffix("/") ? String(dataDirectory.dropLast()) : dataDirectory
    return "\(directory)/alphaengine-\(mode.rawValue).db"
}
