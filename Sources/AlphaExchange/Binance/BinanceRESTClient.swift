import AlphaCore
import AlphaCrypto
import AlphaJSON
import AlphaSystem
import Foundation

/// Binance USDⓈ-M REST: signed requests, server-time offset, rate-limit headers, and failures
/// classified for order safety. One instance per thread (it owns one libcurl handle).
public final class BinanceRESTClient {
    public let baseURL: String
    private let apiKey: String
    private let apiSecret: String
    private let http = CurlHTTPClient()
    public var recvWindow = 5_000
    /// Server time minus local time, in milliseconds; resynced on -1021.
    public private(set) var timeOffset: Int64 = 0
    /// Pacing shared with the account's other clients (weight, 429, 418).
    public let gate: RateLimitGate
    /// Where the client says what an operator should know: weight levels, 429s and 418s.
    public var log: (@Sendable (String) -> Void)?
    /// The latest usage Binance reported.
    public var usedWeight: Int { gate.usedWeight }
    public private(set) var orderCount10s = 0
    public private(set) var orderCount1m = 0

    public init(baseURL: String, apiKey: String, apiSecret: String, timeoutMilliseconds: Int = 10_000,
                gate: RateLimitGate = RateLimitGate()) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.gate = gate
        self.apiKey = apiKey
        self.apiSecret = apiSecret
        http.totalTimeoutMilliseconds = timeoutMilliseconds
    }

    /// Measures the offset to Binance's clock (half the round trip is assumed each way).
    public func syncTime() throws(ExchangeError) {
        let before = Timestamp.now().millisecondsSinceEpoch
        let answer = try request("GET", "/fapi/v1/time", [], signed: false)
        let after = Timestamp.now().millisecondsSinceEpoch
        guard case .object(let object) = answer, case .number(let text)? = object["serverTime"], let server = Int64(text) else {
            throw .unknown(reason: "no serverTime in /fapi/v1/time")
        }
        timeOffset = server - (before + after) / 2
    }

    /// A public request (no key).
    public func get(_ path: String, _ parameters: [(String, String)] = []) throws(ExchangeError) -> JSONValue {
        try request("GET", path, parameters, signed: false)
    }

    /// A USER_STREAM request: API key, no signature (listenKey calls).
    public func keyed(_ method: String, _ path: String, _ parameters: [(String, String)] = []) throws(ExchangeError) -> JSONValue {
        try request(method, path, parameters, signed: false, withKey: true)
    }

    /// A SIGNED request. On -1021 (clock drift) the offset is resynced and the request sent once
    /// more with a fresh timestamp: Binance refused the first, so nothing can be doubled.
    public func signed(_ method: String, _ path: String, _ parameters: [(String, String)]) throws(ExchangeError) -> JSONValue {
        do {
            return try request(method, path, parameters, signed: true)
        } catch .rejected(_, -1021, _) {
            try syncTime()
            return try request(method, path, parameters, signed: true)
        }
    }

    private func request(_ method: String, _ path: String, _ parameters: [(String, String)], signed: Bool,
                         withKey: Bool = false) throws(ExchangeError) -> JSONValue {
        // Nothing leaves while Binance has asked us to wait: sending then escalates a 429 to a ban.
        switch gate.closure() {
        case .rateLimited(let until)?: throw .rateLimited(retryAfterSeconds: Self.seconds(until: until))
        case .banned(let until)?: throw .banned(retryAfterSeconds: Self.seconds(until: until))
        case nil: break
        }
        var query = Self.encode(parameters)
        if signed {
            let timestamp = Timestamp.now().millisecondsSinceEpoch + timeOffset
            query += (query.isEmpty ? "" : "&") + "recvWindow=\(recvWindow)&timestamp=\(timestamp)"
            query += "&signature=" + Self.signature(secret: apiSecret, message: query)
        }
        let url = baseURL + path + (query.isEmpty ? "" : "?" + query)
        var headers: [(String, String)] = []
        if signed || withKey { headers.append(("X-MBX-APIKEY", apiKey)) }
        let response: HTTPExchangeResponse
        do {
            response = try http.perform(method: method, url: url, headers: headers)
        } catch {
            throw error.mayHaveReachedServer ? .unknown(reason: error.description) : .notSent(reason: error.description)
        }
        track(response.headers)
        if response.status == 429 || response.status == 418 {
            let seconds = response.headers["retry-after"].flatMap { Int($0) } ?? (response.status == 418 ? 120 : 60)
            gate.close(forSeconds: seconds, banned: response.status == 418)
            log?("HTTP \(response.status) on \(method) \(path): no requests for \(seconds) s")
        }
        let body = try? JSONParser.parse(String(decoding: response.body, as: UTF8.self))
        guard (200..<300).contains(response.status) else {
            var code: Int?
            var message = String(decoding: response.body.prefix(200), as: UTF8.self)
            if case .object(let object)? = body {
                if case .number(let text)? = object["code"] { code = Int(text) }
                if case .string(let text)? = object["msg"] { message = text }
            }
            throw ExchangeError.binance(status: response.status, code: code, message: message,
                                               retryAfter: response.headers["retry-after"].flatMap { Int($0) })
        }
        guard let body else { throw .unknown(reason: "HTTP \(response.status) with a body that is not JSON") }
        return body
    }

    private func track(_ headers: [String: String]) {
        if let weight = headers["x-mbx-used-weight-1m"].flatMap({ Int($0) }),
           let level = gate.observe(usedWeight: weight, serverTimeMilliseconds: Timestamp.now().millisecondsSinceEpoch + timeOffset) {
            let limits = gate.thresholds
            log?("request weight \(weight)/min: \(level) (thresholds \(limits.warn)/\(limits.slow)/\(limits.stop))")
        }
        if let count = headers["x-mbx-order-count-10s"].flatMap({ Int($0) }) { orderCount10s = count }
        if let count = headers["x-mbx-order-count-1m"].flatMap({ Int($0) }) { orderCount1m = count }
    }

    private static func seconds(until: Int64) -> Int {
        Int((until - MonotonicClock.milliseconds() + 999) / 1000)
    }

    /// `application/x-www-form-urlencoded`, unreserved characters left as they are.
    static func encode(_ parameters: [(String, String)]) -> String {
        FormEncoding.query(parameters)
    }

    static func signature(secret: String, message: String) -> String {
        HMACSHA256.hex(key: Array(secret.utf8), message: Array(message.utf8))
    }
}
