import AlphaCrypto
import AlphaWeb
import CJWT
import Foundation
import Testing

@Suite("Passwords: PBKDF2-HMAC-SHA256 with a per-user salt")
struct PasswordHashTests {
    @Test("a hash verifies its password only; salts differ; malformed stored values are refused")
    func hashAndVerify() {
        let first = PasswordHash.make("correct horse", iterations: 1_000)
        let second = PasswordHash.make("correct horse", iterations: 1_000)
        #expect(first != second, "each hash has its own salt")
        #expect(first.hasPrefix("pbkdf2-sha256$1000$"))
        #expect(PasswordHash.verify("correct horse", against: first))
        #expect(!PasswordHash.verify("correct horsE", against: first))
        #expect(!PasswordHash.verify("", against: first))
        for broken in ["", "pbkdf2-sha256$1000$zz$00", "md5$1$00$00", "pbkdf2-sha256$0$00$" + String(repeating: "0", count: 64),
                       first.replacingOccurrences(of: "$1000$", with: "$999$")] {
            #expect(!PasswordHash.verify("correct horse", against: broken), "\(broken)")
        }
    }

    @Test("the known PBKDF2-HMAC-SHA256 vector (RFC 7914 §11, 1 iteration of 'passwd'/'salt') is reproduced")
    func knownVector() {
        // PBKDF2-HMAC-SHA256(P="passwd", S="salt", c=1, dkLen=64) begins 55 ac 04 6e 56 e3 08 9f ec 16 91 c2 25 44 b6 05.
        let stored = "pbkdf2-sha256$1$" + Hex.encode(Array("salt".utf8)) + "$" + "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
        #expect(PasswordHash.verify("passwd", against: stored))
    }
}

@Suite("Access tokens: HS256 with every claim checked by us")
struct AccessTokenTests {
    let secret = Array("an-example-secret-of-at-least-32-bytes!".utf8)
    let now: Int64 = 1_800_000_000

    var tokens: AccessTokens { try! AccessTokens(secret: secret, lifetimeSeconds: 600) }

    /// A token with exactly these claims, signed with `algorithm` and `key` (through libjwt).
    func forge(_ claims: [String: Any], algorithm: jwt_alg_t = JWT_ALG_HS256, key: [UInt8]? = nil) -> String {
        WebWorld.forge(claims, algorithm: algorithm, key: key ?? secret)
    }

    var goodClaims: [String: Any] {
        ["iss": "alphaengine", "aud": "alphaengine-api", "typ": "access", "sub": "ana", "role": "admin",
         "iat": now, "nbf": now, "exp": now + 600]
    }

    @Test("issued tokens verify with their claims")
    func roundTrip() throws {
        let claims = try tokens.verify(tokens.issue(subject: "ana", role: .viewer, now: now, tokenID: "t1"), now: now + 1)
        #expect(claims == AccessTokens.Claims(subject: "ana", role: .viewer, issuedAt: now, expiresAt: now + 600, tokenID: "t1"))
        #expect(try tokens.verify(forge(goodClaims), now: now).role == .admin)
    }

    @Test("a secret under 32 bytes is refused")
    func shortSecret() {
        #expect(throws: AccessTokens.SecretTooShort.self) { _ = try AccessTokens(secret: Array("short".utf8)) }
    }

    @Test("expired, not yet valid, issued in the future, tampered, wrong secret, alg none, HS384, missing or wrong claims: all refused")
    func refusals() throws {
        func refusal(_ token: String, at time: Int64? = nil) -> AccessTokens.Rejection? {
            do { _ = try tokens.verify(token, now: time ?? now); return nil } catch { return error }
        }
        let good = tokens.issue(subject: "ana", role: .admin, now: now)
        #expect(refusal(good, at: now + 600) == .expired)
        #expect(refusal(good, at: now - 31) == .notYetValid)
        var future = goodClaims; future["iat"] = now + 3_600; future["nbf"] = now - 1
        #expect(refusal(forge(future)) == .issuedInTheFuture)
        // One character of the payload changed: the signature no longer matches.
        let parts = good.split(separator: ".").map(String.init)
        let tampered = parts[0] + "." + String(parts[1].dropLast()) + (parts[1].last == "A" ? "B" : "A") + "." + parts[2]
        #expect(refusal(tampered) == .malformedOrBadSignature)
        #expect(refusal(forge(goodClaims, key: Array("another-secret-that-is-also-32-bytes-long".utf8))) == .malformedOrBadSignature)
        #expect(refusal(forge(goodClaims, algorithm: JWT_ALG_NONE)) == .malformedOrBadSignature)
        #expect(refusal(forge(goodClaims, algorithm: JWT_ALG_HS384)) == .wrongAlgorithm)
        #expect(refusal("not.a.token") == .malformedOrBadSignature)
        #expect(refusal("") == .malformedOrBadSignature)
        for claim in ["exp", "nbf", "iat", "iss", "aud", "typ", "sub", "role"] {
            var missing = goodClaims; missing[claim] = nil
            #expect(refusal(forge(missing)) == .missingClaim(claim), "without \(claim)")
        }
        var wrong = goodClaims; wrong["iss"] = "someone-else"
        #expect(refusal(forge(wrong)) == .wrongIssuer)
        wrong = goodClaims; wrong["aud"] = "another-api"
        #expect(refusal(forge(wrong)) == .wrongAudience)
        wrong = goodClaims; wrong["typ"] = "refresh"
        #expect(refusal(forge(wrong)) == .wrongType)
        wrong = goodClaims; wrong["role"] = "root"
        #expect(refusal(forge(wrong)) == .unknownRole)
    }
}
