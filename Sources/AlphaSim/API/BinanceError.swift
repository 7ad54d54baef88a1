import AlphaHTTP
import AlphaJSON

/// An error as Binance returns it: HTTP status plus `{"code":-1121,"msg":"Invalid symbol."}`,
/// always with `Content-Type: application/json` (the new SDK parses nothing else).
public struct BinanceError: Error, Equatable, Sendable, CustomStringConvertible {
    public let status: Int
    public let code: Int
    public let message: String

    public init(status: Int = 400, code: Int, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(code) \(message)" }

    public var response: HTTPResponse {
        var writer = JSONWriter(capacity: 96)
        writer.beginObject()
        writer.key("code"); writer.value(code)
        writer.key("msg"); writer.value(message)
        writer.endObject()
        return .json(bytes: writer.bytes, status: HTTPStatus(status, Self.reason(status)))
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 404: "Not Found"
        case 418: "I'm a teapot"
        case 429: "Too Many Requests"
        case 503: "Service Unavailable"
        default: status >= 500 ? "Internal Server Error" : "Error"
        }
    }

    // The codes and texts from Binance's error list (reference §7).
    static func mandatory(_ name: String) -> BinanceError {
        BinanceError(code: -1102, "Mandatory parameter '\(name)' was not sent, was empty/null, or malformed.")
    }
    static func invalid(_ name: String) -> BinanceError { BinanceError(code: -1130, "Data sent for parameter '\(name)' is not valid.") }
    static let invalidSignature = BinanceError(code: -1022, "Signature for this request is not valid.")
    static let missingKey = BinanceError(status: 401, code: -2015, "Invalid API-key, IP, or permissions for action.")
    static let badKeyFormat = BinanceError(status: 401, code: -2014, "API-key format invalid.")
    static let outsideWindow = BinanceError(code: -1021, "Timestamp for this request is outside of the recvWindow.")
    static let aheadOfServer = BinanceError(code: -1021, "Timestamp for this request was 1000ms ahead of the server's time.")
    static let duplicateParameter = BinanceError(code: -1101, "Duplicate values for a parameter detected.")
    static let badSymbol = BinanceError(code: -1121, "Invalid symbol.")
    static let noSuchOrder = BinanceError(code: -2013, "Order does not exist.")
    static let unknownOrderCancel = BinanceError(code: -2011, "Unknown order sent.")
}
