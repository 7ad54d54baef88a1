import AlphaHTTP
import Testing
@testable import AlphaSim

@Suite("Binance request signing and authentication")
struct SignatureTests {
    static let key = "dbefbc809e3e83c283a984c3a1459732ea7db1360ca80c5c2c8867408d28cc83"
    static let secret = "2b5eb11e18796d12d88f13dc27dbbd02c2cc51ff7059765ed9821957d82bb4d9"
    static let message = "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=9000&timeInForce=GTC&recvWindow=5000&timestamp=1591702613943"
    static let signature = "3c661234138461fcc7a7d8746c6558c9842d4e10870d2ecbedf7777cad694af9"

    @Test("Binance's documented test vector (USDⓈ-M General Info, HMAC example)")
    func documentedVector() {
        #expect(BinanceSignature.hex(secret: Self.secret, message: Array(Self.message.utf8)) == Self.signature)
        // The mixed query + body example, without the doc's stray space (reference §2).
        let mixed = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTCquantity=1&price=9000&recvWindow=5000&timestamp=1591702613943"
        #expect(BinanceSignature.hex(secret: Self.secret, message: Array(mixed.utf8)) == "30baaf0fab549bbeda7f5ef201898b34122da25fd23c646cac2c529aebe670a4")
        #expect(BinanceSignature.matches(Self.signature.uppercased(), expected: Self.signature))
    }

    func request(query: String, body: String = "", contentType: String? = nil, key: String? = Self.key) -> HTTPRequest {
        var headers = HTTPHeaders()
        if let key { headers.add("X-MBX-APIKEY", key) }
        if let contentType { headers.add("Content-Type", contentType) }
        return HTTPRequest(method: "POST", target: "/fapi/v1/order" + (query.isEmpty ? "" : "?" + query),
                           headers: headers, body: Array(body.utf8))
    }

    func check(_ request: HTTPRequest, serverTime: Int64 = 1_591_702_614_000) -> BinanceError? {
        let authenticator = RequestAuthenticator(apiKey: Self.key, apiSecret: Self.secret, now: { serverTime })
        do {
            let parameters = try BinanceParameters(request)
            try authenticator.authenticate(request, parameters, security: .signed)
            return nil
        } catch {
            return error
        }
    }

    @Test("signed in the query (old connector), in a form body (ccxt), or split across both")
    func placements() {
        #expect(check(request(query: Self.message + "&signature=" + Self.signature)) == nil)
        #expect(check(request(query: "", body: Self.message + "&signature=" + Self.signature,
                              contentType: "application/x-www-form-urlencoded")) == nil)
        let query = "symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC"
        let body = "quantity=1&price=9000&recvWindow=5000&timestamp=1591702613943"
        let signature = "30baaf0fab549bbeda7f5ef201898b34122da25fd23c646cac2c529aebe670a4"
        #expect(check(request(query: query, body: body + "&signature=" + signature, contentType: "application/x-www-form-urlencoded")) == nil)
        // The old connector: everything in the query, JSON content type, empty body.
        #expect(check(request(query: Self.message + "&signature=" + Self.signature, contentType: "application/json;charset=utf-8")) == nil)
    }

    @Test("the signature is checked over the raw bytes: re-encoding a value breaks it")
    func rawBytes() {
        let tampered = Self.message.replacingOccurrences(of: "price=9000", with: "price=9000.0")
        #expect(check(request(query: tampered + "&signature=" + Self.signature))?.code == -1022)
        #expect(check(request(query: Self.message + "&signature=" + String(repeating: "0", count: 64)))?.code == -1022)
        // signature must be the last parameter.
        #expect(check(request(query: "signature=" + Self.signature + "&" + Self.message))?.code == -1102)
    }

    @Test("recvWindow: too old → -1021, 1000 ms or more ahead → -1021, inside the window passes")
    func timing() {
        let signed = request(query: Self.message + "&signature=" + Self.signature)
        #expect(check(signed, serverTime: 1_591_702_613_943 + 5000) == nil)
        #expect(check(signed, serverTime: 1_591_702_613_943 + 5001)?.code == -1021)
        #expect(check(signed, serverTime: 1_591_702_613_943 - 999) == nil)
        #expect(check(signed, serverTime: 1_591_702_613_943 - 1000)?.message.contains("ahead") == true)
    }

    @Test("API key: missing or wrong → -2015 with 401; missing timestamp → -1102; duplicates → -1101")
    func keyAndParameters() {
        #expect(check(request(query: Self.message + "&signature=" + Self.signature, key: nil))?.status == 401)
        #expect(check(request(query: Self.message + "&signature=" + Self.signature, key: "other"))?.code == -2015)
        #expect(check(request(query: "symbol=BTCUSDT&signature=abc"))?.message.contains("'timestamp'") == true)
        #expect(check(request(query: "symbol=A&symbol=B&timestamp=1"))?.code == -1101)
    }

    @Test("errors are Binance's JSON with the right status and content type")
    func errorShape() {
        let response = BinanceError.invalidSignature.response
        #expect(response.status.code == 400)
        #expect(response.header("Content-Type") == "application/json")
        #expect(String(decoding: response.body, as: UTF8.self) == #"{"code":-1022,"msg":"Signature for this request is not valid."}"#)
    }
}
