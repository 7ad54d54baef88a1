import CCurl
import Foundation

/// What came back from one HTTP exchange.
public struct HTTPExchangeResponse: Sendable {
    public let status: Int
    /// Header names lower-cased; the last value wins.
    public let headers: [String: String]
    public let body: [UInt8]
}

/// Why an HTTP exchange produced no response, and whether the request may have reached the
/// server. That distinction decides everything for orders: a request that surely never left
/// can be retried; one that may have arrived must be resolved by querying before any retry.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public let code: Int32
    public let message: String
    /// True when the server may have received (and acted on) the request.
    public let mayHaveReachedServer: Bool

    public var description: String { "\(message) (curl \(code))" }
}

/// A blocking HTTP client over libcurl: one easy handle, used by one thread at a time (the
/// bot's exchange thread). Connections are kept alive between requests.
public final class CurlHTTPClient {
    private let handle: UnsafeMutableRawPointer
    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    public var connectTimeoutMilliseconds = 5_000
    public var totalTimeoutMilliseconds = 10_000
    /// Asked while a request runs (about once a second when idle); true gives the request up
    /// (a long poll at shutdown). Nil for the exchange's requests, which always run to the end.
    public var shouldAbort: (@Sendable () -> Bool)?

    public init() {
        _ = Self.globalInit
        guard let handle = curl_easy_init() else { fatalError("curl_easy_init failed: out of memory") }
        self.handle = handle
    }

    deinit { curl_easy_cleanup(handle) }

    /// Collects the body and headers while libcurl runs; lives only for one `perform`.
    private final class Sink {
        var body: [UInt8] = []
        var headers: [String: String] = [:]
        var shouldAbort: (@Sendable () -> Bool)?
    }

    public func perform(method: String, url: String, headers: [(String, String)], body: [UInt8] = []) throws(TransportError) -> HTTPExchangeResponse {
        curl_easy_reset(handle)
        let sink = Sink()
        sink.shouldAbort = shouldAbort
        var list: UnsafeMutablePointer<curl_slist>?
        for (name, value) in headers { list = curl_slist_append(list, "\(name): \(value)") }
        // An empty Expect stops libcurl from waiting for 100 Continue on POST bodies.
        list = curl_slist_append(list, "Expect:")
        defer { curl_slist_free_all(list) }

        _ = ae_curl_setopt_string(handle, CURLOPT_URL, url)
        _ = ae_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = ae_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, connectTimeoutMilliseconds)
        _ = ae_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, totalTimeoutMilliseconds)
        _ = ae_curl_setopt_long(handle, CURLOPT_TCP_NODELAY, 1)
        _ = ae_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
        _ = ae_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
        if method == "HEAD" { _ = ae_curl_setopt_long(handle, CURLOPT_NOBODY, 1) }
        let payload = body
        let unmanaged = Unmanaged.passRetained(sink)
        defer { unmanaged.release() }
        _ = ae_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, unmanaged.toOpaque())
        _ = ae_curl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
            let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            data.map { sink.body.append(contentsOf: UnsafeRawBufferPointer(start: $0, count: length)) }
            return length
        }
        _ = ae_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, unmanaged.toOpaque())
        _ = ae_curl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
            let sink = Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue()
            let length = size * count
            guard let data else { return length }
            let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
            if line.hasPrefix("HTTP/") { sink.headers = [:] }  // a new response (after 100 or a redirect)
            if let colon = line.firstIndex(of: ":") {
                sink.headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            return length
        }
        if shouldAbort != nil {
            _ = ae_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
            _ = ae_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, unmanaged.toOpaque())
            _ = ae_curl_setopt_progress_callback(handle) { context, _, _, _, _ in
                Unmanaged<Sink>.fromOpaque(context!).takeUnretainedValue().shouldAbort?() == true ? 1 : 0
            }
        }
        let result: CURLcode = payload.withUnsafeBufferPointer { bytes in
            if !bytes.isEmpty || method == "POST" || method == "PUT" {
                _ = ae_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, bytes.count)
                _ = ae_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!))
                _ = ae_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
            }
            return curl_easy_perform(handle)
        }
        guard result == CURLE_OK else {
            throw TransportError(code: Int32(result.rawValue), message: String(cString: curl_easy_strerror(result)),
                                 mayHaveReachedServer: Self.mayHaveReachedServer(result))
        }
        var status = 0
        _ = ae_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPExchangeResponse(status: status, headers: sink.headers, body: sink.body)
    }

    /// Failures before the connection existed cannot have delivered the request; anything later can.
    static func mayHaveReachedServer(_ code: CURLcode) -> Bool {
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_COULDNT_CONNECT, CURLE_URL_MALFORMAT,
             CURLE_UNSUPPORTED_PROTOCOL, CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION:
            return false
        default:
            return true
        }
    }
}
