import AlphaHTTP

/// Binance's security types (reference §2): public, API key only (listenKey calls), and
/// signed (API key + `timestamp` + `signature`).
public enum SecurityType: Sendable {
    case none
    case apiKey
    case signed
}

/// Checks the API key header, the HMAC signature over the raw bytes and the timing window.
public struct RequestAuthenticator: Sendable {
    public let apiKey: String
    let apiSecret: String
    /// The simulator's clock in milliseconds (it may run skewed for fault tests).
    let now: @Sendable () -> Int64

    public init(apiKey: String, apiSecret: String, now: @escaping @Sendable () -> Int64) {
        self.apiKey = apiKey
        self.apiSecret = apiSecret
        self.now = now
    }

    public func authenticate(_ request: HTTPRequest, _ parameters: BinanceParameters, security: SecurityType) throws(BinanceError) {
        guard security != .none else { return }
        guard let key = request.headers["x-mbx-apikey"], !key.isEmpty else { throw .missingKey }
        guard key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw .badKeyFormat }
        guard key == apiKey else { throw .missingKey }
        guard security == .signed else { return }
        guard let timestamp = try parameters.int64("timestamp") else { throw .mandatory("timestamp") }
        let window = try parameters.int64("recvWindow") ?? 5000
        guard window > 0, window <= 60_000 else { throw BinanceError(code: -1130, "Data sent for parameter 'recvWindow' is not valid.") }
        guard let signature = parameters.signature, !signature.isEmpty else { throw .mandatory("signature") }
        guard BinanceSignature.matches(signature, expected: BinanceSignature.hex(secret: apiSecret, message: parameters.signedMessage)) else {
            throw .invalidSignature
        }
        // The documented rule: timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow.
        let serverTime = now()
        guard timestamp < serverTime + 1000 else { throw .aheadOfServer }
        guard serverTime - timestamp <= window else { throw .outsideWindow }
    }
}
