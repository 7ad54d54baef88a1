import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaTestSupport
import Foundation
@testable import AlphaSim

/// A simulator on a free port, with a signed-request helper and the control API.
final class SimHarness {
    let service: SimService
    let server: HTTPServer

    init(configure: (inout SimConfiguration) -> Void = { _ in }) throws {
        var configuration = SimConfiguration.randomKeys()
        configure(&configuration)
        service = SimService(configuration: configuration)
        server = HTTPServer(handler: service.router.handler)
        try server.start()
    }

    deinit { server.shutdown() }

    var port: UInt16 { server.port }

    /// A signed request as the old connector sends it: everything in the query, signature last.
    func signed(_ method: String, _ path: String, _ parameters: [(String, String)], timestamp: Int64? = nil,
                readTimeout: Int = 5) throws -> RawClient.Response {
        var query = (parameters + [("timestamp", String(timestamp ?? Timestamp.now().millisecondsSinceEpoch))])
            .map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        query += "&signature=" + BinanceSignature.hex(secret: service.configuration.apiSecret, message: Array(query.utf8))
        let client = try RawClient(port: port, timeoutSeconds: readTimeout)
        try client.send("\(method) \(path)?\(query) HTTP/1.1\r\nHost: s\r\nX-MBX-APIKEY: \(service.configuration.apiKey)\r\nContent-Length: 0\r\n\r\n")
        return try client.readResponse()
    }

    func apiKeyRequest(_ method: String, _ path: String) throws -> RawClient.Response {
        let client = try RawClient(port: port)
        try client.send("\(method) \(path) HTTP/1.1\r\nHost: s\r\nX-MBX-APIKEY: \(service.configuration.apiKey)\r\nContent-Length: 0\r\n\r\n")
        return try client.readResponse()
    }

    @discardableResult
    func control(_ method: String, _ path: String, _ body: String = "", contentType: String = "application/json") throws -> RawClient.Response {
        let client = try RawClient(port: port)
        try client.send("\(method) /sim/v1/\(path) HTTP/1.1\r\nHost: s\r\nAuthorization: Bearer \(service.configuration.controlToken)\r\n"
            + "Content-Type: \(contentType)\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
        return try client.readResponse()
    }

    func marketBuy(_ clientOrderId: String, quantity: String = "0.010", readTimeout: Int = 5) throws -> RawClient.Response {
        try signed("POST", "/fapi/v1/order", [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", quantity),
                                              ("newClientOrderId", clientOrderId)], readTimeout: readTimeout)
    }

    func listenKey() throws -> String {
        guard case .string(let key)? = try JSONParser.parseObject(try apiKeyRequest("POST", "/fapi/v1/listenKey").text)["listenKey"] else {
            throw RawClient.Failure(description: "no listenKey")
        }
        return key
    }
}

extension RawClient.Response {
    var json: JSONObject { (try? JSONParser.parseObject(text)) ?? JSONObject() }
}
