import AlphaCrypto
import AlphaHTTP
import Testing
@testable import AlphaExchange
@testable import AlphaSim

/// Upbit's request tokens (issue 18): the adapter signs them, the simulator checks them the way
/// Upbit does, and each way of getting one wrong is refused with Upbit's own 401.
@Suite("Upbit authentication: JWT with SHA-512 query hash, signed by the adapter, checked by the simulator")
struct UpbitAuthTests {
    static let credentials = UpbitCredentials(accessKey: "ak-test", secretKey: "sk-test-0123456789")
    static func authenticator() -> UpbitAuthenticator { UpbitAuthenticator(keys: ["ak-test": "sk-test-0123456789"]) }

    static func request(_ method: String, _ target: String, authorization: String?, body: String = "", contentType: String? = nil) -> HTTPRequest {
        var headers = HTTPHeaders()
        if let authorization { headers.add("Authorization", authorization) }
        if let contentType { headers.add("Content-Type", contentType) }
        return HTTPRequest(method: method, target: target, headers: headers, body: Array(body.utf8))
    }

    @Test("the query string Upbit hashes: in order, not percent-encoded, lists as key[]=; its SHA-512 as the reference computes it")
    func queryHash() {
        #expect(UpbitQuery.string([("market", "KRW-BTC"), ("states[]", "wait"), ("states[]", "done")]) == "market=KRW-BTC&states[]=wait&states[]=done")
        #expect(UpbitQuery.hash("market=KRW-BTC")
            == "b749dfc2e17f75e5b46c8161f97fe7c9298ed4167ea21c5c94d16573efd8a801351470c0ff1a9a3f1e763f8249968218c04c571c8b45aa80cd4588e6c4be0738")
    }

    @Test("the adapter's token passes: a GET with a percent-encoded query, a POST with a JSON body, a GET without parameters")
    func adapterTokensPass() throws {
        var checker = Self.authenticator()
        // Sent percent-encoded, hashed decoded: states%5B%5D is states[].
        let get = Self.request("GET", "/v1/orders/open?market=KRW-BTC&states%5B%5D=wait&states%5B%5D=watch",
                               authorization: Self.credentials.authorization(query: "market=KRW-BTC&states[]=wait&states[]=watch"))
        let parameters = try UpbitParameters(get)
        #expect(parameters.list("states") == ["wait", "watch"])
        #expect(try checker.authenticate(authorization: get.headers["authorization"], parameters: parameters) == "ak-test")
        // A JSON body is hashed as key=value in its own order, numbers by their text.
        let body = #"{"market":"KRW-BTC","side":"bid","volume":"0.001","price":140000000,"ord_type":"limit","identifier":"ae-1"}"#
        let post = Self.request("POST", "/v1/orders", authorization: Self.credentials.authorization(
            query: "market=KRW-BTC&side=bid&volume=0.001&price=140000000&ord_type=limit&identifier=ae-1"), body: body,
            contentType: "application/json; charset=utf-8")
        #expect(try checker.authenticate(authorization: post.headers["authorization"], parameters: UpbitParameters(post)) == "ak-test")
        let accounts = Self.request("GET", "/v1/accounts", authorization: Self.credentials.authorization(query: ""))
        #expect(try checker.authenticate(authorization: accounts.headers["authorization"], parameters: UpbitParameters(accounts)) == "ak-test")
    }

    @Test("pyupbit's way: GET and DELETE parameters in a form or JSON body, and an HS256 token; a '+' in a value is hashed as it is")
    func bodyParametersAndHS256() throws {
        var checker = Self.authenticator()
        let secret = Array("sk-test-0123456789".utf8)
        func token(_ query: String, nonce: String) -> String {
            "Bearer " + JSONWebToken.sign([("access_key", .string("ak-test")), ("nonce", .string(nonce)),
                                           ("query_hash", .string(UpbitQuery.hash(query))), ("query_hash_alg", .string("SHA512"))],
                                          algorithm: .hs256, secret: secret)
        }
        let form = Self.request("GET", "/v1/orders/chance", authorization: token("market=KRW-BTC", nonce: "n1"), body: "market=KRW-BTC",
                                contentType: "application/x-www-form-urlencoded")
        #expect(try checker.authenticate(authorization: form.headers["authorization"], parameters: UpbitParameters(form)) == "ak-test")
        let cancel = Self.request("DELETE", "/v1/order", authorization: token("uuid=9f0b", nonce: "n2"), body: #"{"uuid": "9f0b"}"#,
                                  contentType: "application/json")
        #expect(try UpbitParameters(cancel)["uuid"] == "9f0b")
        #expect(try checker.authenticate(authorization: cancel.headers["authorization"], parameters: UpbitParameters(cancel)) == "ak-test")
        let plus = Self.request("GET", "/v1/orders/closed?to=2026-12-07T09:00:00%2B09:00", authorization: token("to=2026-12-07T09:00:00+09:00", nonce: "n3"))
        #expect(try checker.authenticate(authorization: plus.headers["authorization"], parameters: UpbitParameters(plus)) == "ak-test")
    }

    @Test("refused as Upbit refuses: a bad signature, an unknown key, a wrong query hash, a missing hash, a replayed nonce, no token, alg none")
    func refusals() throws {
        var checker = Self.authenticator()
        func refusal(_ request: HTTPRequest) -> String {
            do {
                _ = try checker.authenticate(authorization: request.headers["authorization"], parameters: UpbitParameters(request))
                return "accepted"
            } catch {
                return "\(error.status) \(error.name)"
            }
        }
        let query = "market=KRW-BTC"
        let good = Self.credentials.authorization(query: query, nonce: "nonce-1")
        #expect(refusal(Self.request("GET", "/v1/orders/chance?market=KRW-BTC", authorization: good)) == "accepted")
        #expect(refusal(Self.request("GET", "/v1/orders/chance?market=KRW-BTC", authorization: good)) == "401 nonce_used", "the same token again")
        let otherSecret = UpbitCredentials(accessKey: "ak-test", secretKey: "not-the-secret").authorization(query: query)
        #expect(refusal(Self.request("GET", "/v1/orders/chance?market=KRW-BTC", authorization: otherSecret)) == "401 jwt_verification")
        var tampered = Array(Self.credentials.authorization(query: query))
        tampered[tampered.count - 3] = tampered[tampered.count - 3] == "A" ? "B" : "A"
        #expect(refusal(Self.request("GET", "/v1/orders/chance?market=KRW-BTC", authorization: String(tampered))) == "401 jwt_verification")
        let stranger = UpbitCredentials(accessKey: "ak-stranger", secretKey: "sk-test-0123456789").authorization(query: query)
        #expect(refusal(Self.request("GET", "/v1/orders/chance?market=KRW-BTC", authorization: stranger)) == "401 invalid_access_key")
        let wrongHash = Self.credentials.authorization(query: "market=KRW-ETH")
        #expect(refusal(Self.request("GET", "/v1/orders/chance?market=KRW-BTC", authorization: wrongHash)) == "401 invalid_query_payload")
        let noHash = Self.credentials.authorization(query: "")
        #expect(refusal(Self.request("GET", "/v1/orders/chance?market=KRW-BTC", authorization: noHash)) == "401 invalid_query_payload")
        #expect(refusal(Self.request("GET", "/v1/accounts", authorization: nil)) == "401 jwt_verification")
        // An unsigned token (alg none) naming a real key.
        let header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0"  // {"alg":"none","typ":"JWT"}
        let payload = "eyJhY2Nlc3Nfa2V5IjoiYWstdGVzdCIsIm5vbmNlIjoibm9uZS0xIn0"  // {"access_key":"ak-test","nonce":"none-1"}
        #expect(refusal(Self.request("GET", "/v1/accounts", authorization: "Bearer \(header).\(payload).")) == "401 jwt_verification")
        // A refused request spends no nonce: the good token's nonce-2 still works after a bad try with it.
        let badThenGood = UpbitCredentials(accessKey: "ak-test", secretKey: "wrong").authorization(query: query, nonce: "nonce-2")
        #expect(refusal(Self.request("GET", "/v1/orders/chance?market=KRW-BTC", authorization: badThenGood)) == "401 jwt_verification")
        #expect(refusal(Self.request("GET", "/v1/orders/chance?market=KRW-BTC",
                                     authorization: Self.credentials.authorization(query: query, nonce: "nonce-2"))) == "accepted")
    }

    @Test("nonces are remembered per key, the newest ones: memory stays bounded")
    func nonceMemory() {
        var memory = NonceMemory(capacity: 3)
        let answers = ["a", "b", "c", "b", "d", "a", "d"].map { memory.insert($0) }
        // b is a replay; d makes room by forgetting a, so a passes again, and d (still remembered) does not.
        #expect(answers == [true, true, true, false, true, true, false])
    }

    @Test("the credentials never print the secret")
    func redacted() {
        #expect("\(Self.credentials)" == "Upbit key ak-tes…")
        #expect(!"\(Self.credentials)".contains("sk-test"))
    }
}
