import AlphaHTTP
import AlphaJSON

/// A request's parameters as Upbit reads them, and the text its `query_hash` covers.
///
/// From the query string; when there is none, from the body, because pyupbit sends its GET and
/// DELETE parameters as a form or a JSON body: a form body as it is, a JSON object's members in
/// their order. The hashed text is what clients hash: the query (or form body) percent-decoded
/// with `+` kept as it is (a `+09:00` time stays one), a JSON body as `key=value&…` with the
/// values' own text and a list as `key[]=v` once per element.
public struct UpbitParameters: Sendable {
    public let pairs: [(name: String, value: String)]
    public let hashedText: String

    public init(_ request: HTTPRequest) throws(UpbitAPIError) {
        (pairs, hashedText) = try Self.read(request)
    }

    private static func read(_ request: HTTPRequest) throws(UpbitAPIError) -> ([(name: String, value: String)], String) {
        if !request.queryString.isEmpty { return try form(Substring(request.queryString)) }
        let text = String(decoding: request.body, as: UTF8.self)
        guard !text.allSatisfy(\.isWhitespace) else { return ([], "") }
        let type = request.headers["content-type"]?.lowercased() ?? ""
        if type.hasPrefix("application/x-www-form-urlencoded") { return try form(Substring(text)) }
        let object: JSONObject
        do { object = try JSONParser.parseObject(text) } catch { throw .validation("the body must be a JSON object: \(error)") }
        var pairs: [(name: String, value: String)] = []
        for (name, value) in object.members {
            switch value {
            case .string(let text), .number(let text): pairs.append((name, text))
            case .bool(let flag): pairs.append((name, flag ? "true" : "false"))
            case .null: continue
            case .array(let items):
                for item in items {
                    switch item {
                    case .string(let text), .number(let text): pairs.append((name + "[]", text))
                    default: throw .validation("\(name) must be a list of strings or numbers")
                    }
                }
            case .object: throw .validation("\(name) must be a string, a number or a list")
            }
        }
        return (pairs, pairs.map { "\($0.name)=\($0.value)" }.joined(separator: "&"))
    }

    private static func form(_ text: Substring) throws(UpbitAPIError) -> ([(name: String, value: String)], String) {
        guard let decoded = PercentDecoding.decode(text, plusIsSpace: false) else { throw .validation("a malformed percent-escape") }
        return (QueryParameters(text).pairs, decoded)
    }

    /// The first value of `name`.
    public subscript(name: String) -> String? { pairs.first(where: { $0.name == name })?.value }

    /// A list: `name[]=a&name[]=b`, the same name repeated, or one value with commas (`markets=KRW-BTC,KRW-ETH`).
    public func list(_ name: String) -> [String] {
        let values = pairs.filter { $0.name == name || $0.name == name + "[]" }.map(\.value)
        return values.flatMap { $0.split(separator: ",").map { String($0.trimmingPrefix(" ")) } }
    }
}
