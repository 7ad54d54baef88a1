import AlphaCore
import AlphaJSON
import AlphaSystem
import Foundation

/// Upbit's REST API: JWT-signed requests (`UpbitCredentials`), GET and DELETE parameters in the
/// query, POST ones as a JSON body, `Remaining-Req` pacing, and failures classified for order
/// safety (`ExchangeError.upbit`). One instance per thread (it owns one libcurl handle).
public final class UpbitRESTClient {
    public let baseURL: String
    private let credentials: UpbitCredentials
    private let http = CurlHTTPClient()
    public let pacer: UpbitPacer
    /// Where the client says what an operator should know: 429s and 418s.
    public var log: (@Sendable (String) -> Void)?

    public init(baseURL: String, credentials: UpbitCredentials, timeoutMilliseconds: Int = 10_000, pacer: UpbitPacer = UpbitPacer()) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.credentials = credentials
        self.pacer = pacer
        http.totalTimeoutMilliseconds = timeoutMilliseconds
    }

    /// A quotation request (no token).
    public func quotation(_ path: String, _ parameters: [(String, String)], group: String) throws(ExchangeError) -> JSONValue {
        try request("GET", path, parameters, signed: false, group: group)
    }

    /// An exchange request, signed. Orders are their own group (8 to 12 a second), the rest `default`.
    public func exchange(_ method: String, _ path: String, _ parameters: [(String, String)] = [], group: String = "default") throws(ExchangeError) -> JSONValue {
        try request(method, path, parameters, signed: true, group: group)
    }

    private func request(_ method: String, _ path: String, _ parameters: [(String, String)], signed: Bool, group: String) throws(ExchangeError) -> JSONValue {
        let now = MonotonicClock.milliseconds()
        switch pacer.closure(now: now) {
        case .rateLimited(let until)?: throw .rateLimited(retryAfterSeconds: Int((until - now + 999) / 1000))
        case .banned(let until)?: throw .banned(retryAfterSeconds: Int((until - now + 999) / 1000))
        case nil: break
        }
        // The group's requests for this second are spent: the next second is at most a second away.
        if let next = pacer.mustWait(group: group, now: now) { Thread.sleep(forTimeInterval: Double(next - now) / 1000) }
        let inBody = method == "POST"
        var url = baseURL + path
        var body: [UInt8] = []
        var headers: [(String, String)] = [("Accept", "application/json")]
        if inBody {
            var writer = JSONWriter(capacity: 256)
            writer.beginObject()
            for (name, value) in parameters {
                writer.key(escaping: name)
                writer.value(value)
            }
            writer.endObject()
            body = writer.bytes
            headers.append(("Content-Type", "application/json; charset=utf-8"))
        } else if !parameters.isEmpty {
            // Sent percent-encoded (`states%5B%5D`); Upbit hashes the decoded text (`states[]`).
            url += "?" + FormEncoding.query(parameters)
        }
        if signed { headers.append(("Authorization", credentials.authorization(query: UpbitQuery.string(parameters)))) }
        let response: HTTPExchangeResponse
        do {
            response = try http.perform(method: method, url: url, headers: headers, body: body)
        } catch {
            throw error.mayHaveReachedServer ? .unknown(reason: error.description) : .notSent(reason: error.description)
        }
        pacer.observe(remainingRequests: response.headers["remaining-req"])
        if response.status == 429 || response.status == 418 {
            let seconds = response.status == 418 ? response.headers["retry-after"].flatMap { Int($0) } ?? 60 : 1
            pacer.close(banned: response.status == 418, forSeconds: seconds)
            log?("HTTP \(response.status) on \(method) \(path): no requests for \(seconds) s")
        }
        let answer = try? JSONParser.parse(String(decoding: response.body, as: UTF8.self))
        guard (200..<300).contains(response.status) else {
            var name = "http_\(response.status)", message = String(decoding: response.body.prefix(200), as: UTF8.self)
            if case .object(let object)? = answer, case .object(let error)? = object["error"] {
                if case .string(let text)? = error["name"] { name = text }
                if case .string(let text)? = error["message"] { message = text }
            }
            throw ExchangeError.upbit(status: response.status, name: name, message: message)
        }
        guard let answer else { throw .unknown(reason: "HTTP \(response.status) with a body that is not JSON") }
        return answer
    }
}
