import AlphaCore
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// Independent software checks us: schemathesis against openapi.yaml, PyJWT against our tokens.
@Suite("Third-party clients: schemathesis and PyJWT", .serialized)
struct ThirdPartyClientTests {
    static let python = PythonPeer.repositoryRoot.appendingPathComponent(".venv-web/bin/python").path

    /// Runs a program to the end; its exit status and everything it printed.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (Int32, String) {
        let result = try runProgram(URL(fileURLWithPath: executable), arguments, environment: environment)
        return (result.status, result.output)
    }

    @Test("schemathesis: every operation, every check, against the live server and openapi.yaml — no failure")
    func schemathesis() throws {
        let world = try WebWorld()
        // A store with history in it: a year of orders, fills, balances and funding.
        var factory = EventFactory(seed: 11, maxStepMilliseconds: 63_000, maxOpenOrders: 20)
        try world.writer.append((0..<2_000).map { _ in factory.next() })
        try world.appendTrade(id: 900_001, price: "50000.5", quantity: "0.010", time: Timestamp.now().millisecondsSinceEpoch - 60_000)
        let script = PythonPeer.repositoryRoot.appendingPathComponent("Tests/AlphaWebTests/Peers/run_schemathesis.sh").path
        let (status, output) = try Self.run(script, ["http://127.0.0.1:\(world.port)", world.adminToken])
        #expect(status == 0, "\(output.suffix(6_000))")
        #expect(output.contains("passed"))
    }

    @Test("PyJWT verifies our access tokens (HS256, iss, aud, exp, nbf, iat, typ, role) and we accept PyJWT's")
    func pyjwt() throws {
        let world = try WebWorld()
        let script = PythonPeer.repositoryRoot.appendingPathComponent("Tests/AlphaWebTests/Peers/pyjwt_check.py").path
        let secret = ["ALPHAENGINE_TEST_JWT_SECRET": String(decoding: WebWorld.secret, as: UTF8.self)]
        let (verified, claims) = try Self.run(Self.python, [script, "verify", world.adminToken], environment: secret)
        #expect(verified == 0, "\(claims)")
        #expect(claims.contains(#""sub": "ana""#) || claims.contains(#""sub":"ana""#), "\(claims)")
        let (refused, reason) = try Self.run(Self.python, [script, "verify", world.adminToken],
                                            environment: ["ALPHAENGINE_TEST_JWT_SECRET": "another-secret-of-at-least-thirty-two-bytes"])
        #expect(refused == 1 && reason.contains("REJECTED"), "PyJWT refuses our token under another key")

        let (issued, token) = try Self.run(Self.python, [script, "issue", "vic", "viewer"], environment: secret)
        #expect(issued == 0)
        let me = try world.call("GET", "/api/auth/me", token: token.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(me.status == 200 && me.json["name"] == .string("vic") && me.json["role"] == .string("viewer"))
        let (_, rogue) = try Self.run(Self.python, [script, "issue", "vic", "root"], environment: secret)
        #expect(try world.call("GET", "/api/auth/me", token: rogue.trimmingCharacters(in: .whitespacesAndNewlines)).status == 401)
    }
}
