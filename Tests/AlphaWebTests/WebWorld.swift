import AlphaCore
import AlphaCrypto
import AlphaHTTP
import AlphaJSON
import AlphaStore
import AlphaTestSupport
import AlphaWeb
import CJWT
import Foundation

/// A real web server on 127.0.0.1 (free port) over a fresh store with two users, `ana` (admin)
/// and `vic` (viewer), plus helpers to call it over a socket and to append events as the bot would.
final class WebWorld: @unchecked Sendable {
    static let secret = Array("a-test-secret-for-web-tokens-of-40-bytes".utf8)
    static let adminPassword = "ana's long password"
    static let viewerPassword = "vic's long password"

    let directory: URL
    let database: Database
    let writer: EventWriter
    let app: WebApp
    var port: UInt16 { app.port }

    init(configure: (inout WebSettings) -> Void = { _ in }) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("alphaweb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("sim.sqlite").path
        database = try Database.openMigrated(path: path)
        writer = try EventWriter(database: database)
        let users = UserStore(database: database)
        // Few iterations: the tests check the logic, not the KDF's cost.
        try users.add(name: "ana", role: "admin", passwordHash: PasswordHash.make(Self.adminPassword, iterations: 1_000))
        try users.add(name: "vic", role: "viewer", passwordHash: PasswordHash.make(Self.viewerPassword, iterations: 1_000))
        let document = try Data(contentsOf: PythonPeer.repositoryRoot.appendingPathComponent("openapi.yaml"))
        var settings = WebSettings(databasePath: path, mode: .sim, openAPIDocument: Array(document))
        settings.http.eventLoops = 2
        configure(&settings)
        app = try WebApp(settings: settings, secret: Self.secret)
        try app.start()
    }

    deinit {
        app.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: Calling the API

    struct Reply {
        let status: Int
        let headers: [(String, String)]
        let body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        var json: JSONObject {
            guard case .object(let object)? = try? body.withUnsafeBufferPointer({ try JSONParser.parse($0) }) else { return [:] }
            return object
        }
        var errorCode: String? {
            guard case .object(let error)? = json["error"], case .string(let code)? = error["code"] else { return nil }
            return code
        }
    }

    func call(_ method: String, _ target: String, token: String? = nil, headers: [(String, String)] = [],
              body: String? = nil, port otherPort: UInt16? = nil) throws -> Reply {
        let client = try RawClient(port: otherPort ?? port, timeoutSeconds: 10)
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        try client.send(head + "\r\n" + (body ?? ""))
        let response = try client.readResponse(headRequest: method == "HEAD")
        return Reply(status: response.status, headers: response.headers, body: response.body)
    }

    func login(_ user: String, _ password: String) throws -> Reply {
        try call("POST", "/api/auth/login", body: #"{"username":"\#(user)","password":"\#(password)"}"#)
    }

    lazy var adminToken: String = token(try! login("ana", Self.adminPassword))
    lazy var viewerToken: String = token(try! login("vic", Self.viewerPassword))

    func token(_ reply: Reply) -> String {
        guard case .string(let token)? = reply.json["token"] else { return "" }
        return token
    }

    // MARK: Writing as the bot does

    static let scope = Scope(on: .binanceUSDM, mode: .sim)

    @discardableResult
    func appendEngineEvent(_ reason: String, type: EventType = .enginePaused) throws -> Int64 {
        let event = Event(type: type, source: .bot, entityKind: .engine, entityID: "engine", scope: Self.scope,
                          dedupKey: "test:\(UUID().uuidString)", payload: ["reason": .string(reason)])
        return try writer.append(event).seq
    }

    /// A fill of ours as the bot records it: TradeExecuted with the exchange's fields.
    @discardableResult
    func appendTrade(id: Int64, symbol: String = "BTCUSDT", price: String, quantity: String, time: Int64,
                     realizedPnl: String = "0", side: OrderSide = .buy, clientOrderID: String? = nil) throws -> Int64 {
        let trade = TradePayload(symbol: symbol, tradeID: String(id), orderID: String(id), clientOrderID: clientOrderID, side: side, price: Amount(price)!,
                                 quantity: Amount(quantity)!, realizedPnl: Amount(realizedPnl)!, pnlAsset: "USDT", maker: false, time: time)
        let event = Event(type: .tradeExecuted, source: .rest, entityKind: .trade, entityID: "\(symbol):\(id)",
                          scope: Self.scope.with(symbol: symbol), dedupKey: DedupKey.trade(symbol: symbol, tradeID: String(id)), payload: trade.json)
        return try writer.append(event).seq
    }

    // MARK: Forging tokens

    /// A token with exactly these claims, signed with `algorithm` and `key` through libjwt.
    static func forge(_ claims: [String: Any], algorithm: jwt_alg_t = JWT_ALG_HS256, key: [UInt8]? = nil) -> String {
        var token: OpaquePointer?
        _ = jwt_new(&token)
        defer { jwt_free(token) }
        let signingKey = key ?? secret
        _ = jwt_set_alg(token, algorithm, algorithm == JWT_ALG_NONE ? nil : signingKey, algorithm == JWT_ALG_NONE ? 0 : Int32(signingKey.count))
        for (name, value) in claims {
            if let number = value as? Int64 { _ = jwt_add_grant_int(token, name, Int(number)) } else { _ = jwt_add_grant(token, name, "\(value)") }
        }
        let encoded = jwt_encode_str(token)!
        defer { free(encoded) }
        return String(cString: encoded)
    }

    static func claims(role: String = "admin", now: Int64 = Int64(Date().timeIntervalSince1970)) -> [String: Any] {
        ["iss": "alphaengine", "aud": "alphaengine-api", "typ": "access", "sub": "ana", "role": role,
         "iat": now, "nbf": now, "exp": now + 600]
    }
}
