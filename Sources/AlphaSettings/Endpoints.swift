import AlphaCore

/// Where the exchange is: REST base URL and WebSocket base URL.
public struct Endpoints: Sendable, Equatable {
    public var rest: String
    public var webSocket: String

    public init(rest: String, webSocket: String) {
        self.rest = rest
        self.webSocket = webSocket
    }

    /// The venue's published endpoints; the simulator's default loopback address (Binance's on
    /// 9901, Upbit's on 9902, so both simulators can run at once). Upbit has no testnet: nil.
    public static func defaults(for mode: TradingMode, venue: VenueCapabilities = .binanceUSDM) -> Endpoints? {
        switch (venue.configurationName, mode) {
        case ("upbit", .production): Endpoints(rest: "https://api.upbit.com", webSocket: "wss://api.upbit.com")
        case ("upbit", .sim): Endpoints(rest: "http://127.0.0.1:9902", webSocket: "ws://127.0.0.1:9902")
        case ("upbit", .testnet): nil
        case (_, .production): Endpoints(rest: "https://fapi.binance.com", webSocket: "wss://fstream.binance.com")
        case (_, .testnet): Endpoints(rest: "https://testnet.binancefuture.com", webSocket: "wss://stream.binancefuture.com")
        case (_, .sim): Endpoints(rest: "http://127.0.0.1:9901", webSocket: "ws://127.0.0.1:9901")
        }
    }
}

/// Where each venue and mode keeps its database: no two share a file. Binance's keep the names
/// they had before there was a second venue (`alphaengine-sim.db`), so existing data stays found.
public func databasePath(dataDirectory: String, mode: TradingMode, venue: VenueCapabilities = .binanceUSDM) -> String {
    let directory = dataDirectory.hasSuffix("/") ? String(dataDirectory.dropLast()) : dataDirectory
    let prefix = venue == .binanceUSDM ? "" : "\(venue.configurationName)-"
    return "\(directory)/alphaengine-\(prefix)\(mode.rawValue).db"
}
