import AlphaHTTP

/// The parameters of a request as Binance reads them: from the query string and from an
/// `application/x-www-form-urlencoded` body, the query winning when a name is in both. Clients
/// differ — ccxt signs a form body, the old connector puts everything in the query with a JSON
/// content type and an empty body — and all of them must work (reference §2, §10).
public struct BinanceParameters: Sendable {
    public let values: [String: String]
    /// The raw bytes that were signed: query then body, no "&" between, `signature` removed.
    let signedMessage: [UInt8]
    let signature: String?

    public init(_ request: HTTPRequest) throws(BinanceError) {
        let rawQuery = Array(request.queryString.utf8)
        let isForm = request.headers["content-type"]?.lowercased().hasPrefix("application/x-www-form-urlencoded") ?? false
        // A body sent with another content type (the old connector's JSON header with an empty
        // body) carries no parameters.
        let rawBody = isForm ? request.body : []
        var values: [String: String] = [:]
        var fromQuery: Set<String> = []
        for (source, isQuery) in [(rawQuery, true), (rawBody, false)] {
            var seen: Set<String> = []
            for (name, value) in QueryParameters(Substring(decoding: source, as: UTF8.self)).pairs {
                guard seen.insert(name).inserted else { throw .duplicateParameter }
                if isQuery { fromQuery.insert(name) } else if fromQuery.contains(name) { continue }
                values[name] = value
            }
        }
        self.values = values
        (signedMessage, signature) = Self.splitSignature(rawQuery + rawBody)
    }

    /// Removes the trailing `signature=…` (it must be the last parameter) from the total parameters.
    static func splitSignature(_ total: [UInt8]) -> ([UInt8], String?) {
        let marker = Array("signature=".utf8)
        guard total.count >= marker.count else { return (total, nil) }
        var start = total.count - marker.count
        while start >= 0 {
            if Array(total[start..<(start + marker.count)]) == marker, start == 0 || total[start - 1] == UInt8(ascii: "&") {
                let value = total[(start + marker.count)...]
                guard !value.contains(UInt8(ascii: "&")) else { return (total, nil) }
                let messageEnd = start == 0 ? 0 : start - 1
                return (Array(total[..<messageEnd]), String(decoding: value, as: UTF8.self))
            }
            start -= 1
        }
        return (total, nil)
    }

    public subscript(name: String) -> String? { values[name] }

    /// A required parameter (-1102 when missing or empty).
    public func required(_ name: String) throws(BinanceError) -> String {
        guard let value = values[name], !value.isEmpty else { throw .mandatory(name) }
        return value
    }

    public func int64(_ name: String) throws(BinanceError) -> Int64? {
        guard let text = values[name] else { return nil }
        guard let value = Int64(text) else { throw .invalid(name) }
        return value
    }
}
