import AlphaCore
import AlphaStore
import AlphaTestSupport
import AlphaWeb
import CJWT
import Foundation
import Testing

@Suite("Web auth over HTTP: login, throttling, tokens, roles, API tokens, sign-out")
struct WebAuthTests {
    static let refusal = #"{"error":{"code":"unauthorized","message":"missing or invalid credentials"}}"#

    @Test("login gives a bearer token and a stream-only HttpOnly cookie; a wrong password or an unknown user gets the same 401")
    func login() throws {
        let world = try WebWorld()
        let good = try world.login("ana", WebWorld.adminPassword)
        #expect(good.status == 200)
        #expect(good.json["tokenType"] == .string("Bearer"))
        let cookie = try #require(good.header("Set-Cookie"))
        #expect(cookie.hasPrefix("ae_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict")
                && cookie.contains("Path=/api/stream"))
        let me = try world.call("GET", "/api/auth/me", token: world.token(good))
        #expect(me.json["name"] == .string("ana") && me.json["role"] == .string("admin") && me.json["kind"] == .string("user"))

        let wrong = try world.login("ana", "not the password")
        let unknown = try world.login("nobody", "not the password")
        for reply in [wrong, unknown] {
            #expect(reply.status == 401)
            #expect(reply.text == Self.refusal, "the same body whatever failed")
            #expect(reply.header("WWW-Authenticate") == #"Bearer realm="alphaengine""#)
        }
        let malformed = try world.call("POST", "/api/auth/login", body: #"{"username":"ana","password":7,"remember":true}"#)
        #expect(malformed.status == 400 && malformed.errorCode == "invalid_request")
        #expect(malformed.text.contains("password") && malformed.text.contains("remember"))
        #expect(!malformed.text.contains("7,"), "no echo of the submitted secret")
    }

    @Test("five failures lock that user out with 429 and Retry-After, even with the right password; other users still log in")
    func throttlingPerUser() throws {
        let world = try WebWorld()
        for _ in 0..<5 { #expect(try world.login("ana", "guess").status == 401) }
        let locked = try world.login("ana", WebWorld.adminPassword)
        #expect(locked.status == 429 && locked.errorCode == "too_many_requests")
        let retry = Int(locked.header("Retry-After") ?? "") ?? 0
        #expect(retry > 0 && retry <= 900)
        #expect(try world.login("vic", WebWorld.viewerPassword).status == 200)
    }

    @Test("many failures from one address lock that address out for every user name")
    func throttlingPerAddress() throws {
        let world = try WebWorld { $0.loginLimits.failuresPerAddress = 6 }
        for index in 0..<6 { #expect(try world.login("user\(index)", "guess").status == 401) }
        #expect(try world.login("vic", WebWorld.viewerPassword).status == 429)
    }

    @Test("expired, not yet valid, tampered, alg none, HS384, wrong secret, missing claims: each 401 with the same body")
    func forgedTokens() throws {
        let world = try WebWorld()
        let now = Int64(Date().timeIntervalSince1970)
        var tokens: [String: String] = [:]
        var expired = WebWorld.claims(now: now - 3600); expired["exp"] = now - 10
        tokens["expired"] = WebWorld.forge(expired)
        var early = WebWorld.claims(); early["nbf"] = now + 600
        tokens["not yet valid"] = WebWorld.forge(early)
        let good = world.adminToken
        let parts = good.split(separator: ".").map(String.init)
        tokens["tampered"] = parts[0] + "." + String(parts[1].dropLast()) + (parts[1].last == "A" ? "B" : "A") + "." + parts[2]
        tokens["alg none"] = WebWorld.forge(WebWorld.claims(), algorithm: JWT_ALG_NONE)
        tokens["HS384"] = WebWorld.forge(WebWorld.claims(), algorithm: JWT_ALG_HS384)
        tokens["wrong secret"] = WebWorld.forge(WebWorld.claims(), key: Array("some-other-secret-that-is-40-bytes-long!".utf8))
        for claim in ["exp", "nbf", "iat", "iss", "aud", "typ", "sub", "role"] {
            var missing = WebWorld.claims(); missing[claim] = nil
            tokens["missing \(claim)"] = WebWorld.forge(missing)
        }
        tokens["garbage"] = "abc"
        #expect(try world.call("GET", "/api/dashboard", token: WebWorld.forge(WebWorld.claims())).status == 200, "the forge itself is sound")
        for (what, token) in tokens {
            let reply = try world.call("GET", "/api/dashboard", token: token)
            #expect(reply.status == 401, "\(what)")
            #expect(reply.text == Self.refusal, "\(what): no detail leaks")
        }
        #expect(try world.call("GET", "/api/dashboard").status == 401, "no credentials")
        #expect(try world.call("GET", "/api/dashboard", headers: [("Authorization", "Basic YW5hOng=")]).status == 401)
    }

    @Test("a viewer reads but gets 403 on every admin route; an admin may")
    func roles() throws {
        let world = try WebWorld()
        let viewer = world.viewerToken
        #expect(try world.call("GET", "/api/dashboard", token: viewer).status == 200)
        let command = #"{"type":"PauseEngine","payload":{}}"#
        let denied = try world.call("POST", "/api/commands", token: viewer, body: command)
        #expect(denied.status == 403 && denied.errorCode == "forbidden")
        #expect(try world.call("PUT", "/api/config", token: viewer, body: #"{"expectedVersion":0,"config":{}}"#).status == 403)
        #expect(try world.call("POST", "/api/tokens", token: viewer, body: #"{"name":"x"}"#).status == 403)
        #expect(try world.call("GET", "/api/tokens", token: viewer).status == 403)
        #expect(try CommandStore(database: world.database).list().isEmpty, "nothing was stored for the viewer")
        #expect(try world.call("POST", "/api/commands", token: world.adminToken, body: command).status == 202)
    }

    @Test("an API token reads, cannot write, is stored only as a hash, and is refused once revoked")
    func apiTokens() throws {
        let world = try WebWorld()
        let created = try world.call("POST", "/api/tokens", token: world.adminToken, body: #"{"name":"grafana"}"#)
        #expect(created.status == 201)
        guard case .string(let token)? = created.json["token"], case .object(let info)? = created.json["apiToken"],
              case .string(let id)? = info["id"] else { Issue.record("no token in \(created.text)"); return }
        #expect(token.hasPrefix("aet_"))
        let stored = try #require(try ApiTokenStore(database: world.database).token(id: id))
        #expect(!stored.secretHash.isEmpty && !token.contains(stored.secretHash))
        let listed = try world.call("GET", "/api/tokens", token: world.adminToken)
        #expect(!listed.text.contains(String(token.suffix(64))), "the secret is shown once only")

        #expect(try world.call("GET", "/api/events", token: token).status == 200)
        let me = try world.call("GET", "/api/auth/me", token: token)
        #expect(me.json["kind"] == .string("api_token") && me.json["role"] == .string("viewer"))
        #expect(try world.call("POST", "/api/commands", token: token, body: #"{"type":"PauseEngine"}"#).status == 403)
        #expect(try world.call("GET", "/api/events", token: String(token.dropLast()) + (token.hasSuffix("0") ? "1" : "0")).status == 401, "wrong secret")

        #expect(try world.call("DELETE", "/api/tokens/\(id)", token: world.adminToken).status == 204)
        let revoked = try world.call("GET", "/api/events", token: token)
        #expect(revoked.status == 401 && revoked.text == Self.refusal)
        #expect(try world.call("DELETE", "/api/tokens/0000000000000000", token: world.adminToken).status == 404)
    }

    @Test("sign-out revokes that access token at once; the cookie works only for the stream")
    func logoutAndCookie() throws {
        let world = try WebWorld()
        let token = world.adminToken
        #expect(try world.call("GET", "/api/dashboard", headers: [("Cookie", "ae_session=\(token)")]).status == 401,
                "the cookie is not a credential for the JSON API (no CSRF surface)")
        let stream = try RawClient(port: world.port)
        try stream.send("GET /api/stream HTTP/1.1\r\nHost: x\r\nCookie: theme=dark; ae_session=\(token)\r\n\r\n")
        #expect(stream.read(until: "retry: 1000"), "the stream accepts the cookie")
        #expect(String(decoding: stream.pending, as: UTF8.self).hasPrefix("HTTP/1.1 200"))

        let out = try world.call("POST", "/api/auth/logout", token: token)
        #expect(out.status == 204)
        #expect(out.header("Set-Cookie")?.contains("Max-Age=0") == true)
        #expect(try world.call("GET", "/api/dashboard", token: token).status == 401)
        #expect(try world.call("GET", "/api/stream", headers: [("Cookie", "ae_session=\(token)")]).status == 401)
    }

    @Test("a signed-out token stays refused by a restarted web process; a fresh login works there")
    func revocationSurvivesRestart() throws {
        let world = try WebWorld()
        let token = world.adminToken
        #expect(try world.call("POST", "/api/auth/logout", token: token).status == 204)
        let restarted = try WebApp(settings: WebSettings(databasePath: world.database.path, mode: .sim, openAPIDocument: []),
                                   secret: WebWorld.secret)
        try restarted.start()
        defer { restarted.stop() }
        #expect(try world.call("GET", "/api/auth/me", token: token, port: restarted.port).status == 401)
        let fresh = world.token(try world.call("POST", "/api/auth/login", body: #"{"username":"ana","password":"\#(WebWorld.adminPassword)"}"#,
                                               port: restarted.port))
        #expect(try world.call("GET", "/api/auth/me", token: fresh, port: restarted.port).status == 200)
    }

    @Test("CORS is off by default; an allowed origin gets its headers and preflight, others get 403 on preflight")
    func cors() throws {
        let closed = try WebWorld()
        let plain = try closed.call("GET", "/api/health", headers: [("Origin", "https://dash.example.com")])
        #expect(plain.status == 200 && plain.header("Access-Control-Allow-Origin") == nil)

        let world = try WebWorld { $0.corsOrigins = ["https://dash.example.com"] }
        let preflight = try world.call("OPTIONS", "/api/commands", headers: [
            ("Origin", "https://dash.example.com"), ("Access-Control-Request-Method", "POST"),
        ])
        #expect(preflight.status == 204)
        #expect(preflight.header("Access-Control-Allow-Origin") == "https://dash.example.com")
        #expect(preflight.header("Access-Control-Allow-Headers")?.contains("Idempotency-Key") == true)
        let other = try world.call("OPTIONS", "/api/commands", headers: [
            ("Origin", "https://evil.example.com"), ("Access-Control-Request-Method", "POST"),
        ])
        #expect(other.status == 403 && other.header("Access-Control-Allow-Origin") == nil)
        let get = try world.call("GET", "/api/dashboard", token: world.viewerToken, headers: [("Origin", "https://dash.example.com")])
        #expect(get.header("Access-Control-Allow-Origin") == "https://dash.example.com" && get.header("Vary") == "Origin")
    }

    @Test("security headers on API answers, no-store caching, and no internals in errors")
    func headers() throws {
        let world = try WebWorld()
        let reply = try world.call("GET", "/api/health")
        #expect(reply.header("X-Content-Type-Options") == "nosniff")
        #expect(reply.header("X-Frame-Options") == "DENY")
        #expect(reply.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
        #expect(reply.header("Cache-Control") == "no-store")
        let missing = try world.call("GET", "/api/nothing-here", token: world.viewerToken)
        #expect(missing.status == 404 && missing.errorCode == "not_found")
    }

    @Test("A browser library is served from where the system put it under /vendor/<name>/; a missing file is a 404, not the SPA")
    func vendorLibrary() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("vendor-\(UUID().uuidString)")
        let spa = root.appendingPathComponent("public"), chart = root.appendingPathComponent("chart.js")
        for directory in [spa, chart] { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("<!doctype html><title>app</title>".utf8).write(to: spa.appendingPathComponent("index.html"))
        try Data("/* chart */ window.Chart = {};".utf8).write(to: chart.appendingPathComponent("chart.min.js"))
        let world = try WebWorld { settings in
            settings.publicDirectory = spa.path
            settings.vendorDirectories = ["chart.js": chart.path]
        }
        let script = try world.call("GET", "/vendor/chart.js/chart.min.js")
        #expect(script.status == 200 && script.text.contains("window.Chart") && script.header("Content-Type")?.contains("javascript") == true)
        #expect(script.header("ETag") != nil && script.header("Content-Security-Policy") != nil)
        #expect(try world.call("GET", "/vendor/chart.js/nothing.js").status == 404)
        #expect(try world.call("GET", "/vendor/chart.js/nothing").status == 404, "no SPA fallback inside a library")
        #expect(try world.call("GET", "/vendor/jquery/jquery.js").status == 404)
        #expect(try world.call("GET", "/vendor/chart.js/..%2Findex.html").status == 400)
        #expect(try world.call("GET", "/history/orders").text.contains("<title>app</title>"), "client routes still get the SPA")
    }
}
