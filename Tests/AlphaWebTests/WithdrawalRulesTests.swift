import AlphaCore
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// `POST /api/withdrawals` (issue 15): admin only, a person's fresh login, withdrawals on in the
/// server's file and an allow-listed destination — each refusal names its rule, and a refused
/// withdrawal never reaches the command store (so never the bot, never the exchange).
@Suite("Web: withdrawals and their rules")
struct WithdrawalRulesTests {
    static let allowed = WithdrawalPolicy.Destination(asset: "USDT", address: "TAllowedAddress0000000000000001", network: "TRX")
    static let body = #"{"asset":"USDT","amount":"25.5","address":"TAllowedAddress0000000000000001","network":"TRX"}"#

    static func world(enabled: Bool = true) throws -> WebWorld {
        try WebWorld { $0.withdrawals = WithdrawalPolicy(enabled: enabled, allowed: [allowed], freshLoginSeconds: 300) }
    }

    func withdrawCommands(_ world: WebWorld) throws -> [Command] {
        try CommandStore(database: world.database).list(status: nil, type: .withdraw, limit: 100)
    }

    func rule(_ reply: WebWorld.Reply) -> String {
        guard case .object(let error)? = reply.json["error"], case .string(let message)? = error["message"] else { return "" }
        return String(message.prefix { $0 != ":" })
    }

    @Test("each refusal is a 403 naming its rule: API token, viewer, an old login, another address or network; none is stored")
    func refusals() throws {
        let world = try Self.world()
        let created = try world.call("POST", "/api/tokens", token: world.adminToken, body: #"{"name":"grafana"}"#)
        guard case .string(let apiToken)? = created.json["token"] else { Issue.record("no API token: \(created.text)"); return }
        let now = Int64(Date().timeIntervalSince1970)
        var old = WebWorld.claims(now: now - 400)
        old["exp"] = now + 600
        let staleLogin = WebWorld.forge(old)
        let cases: [(String, String, String)] = [
            ("API_TOKEN", apiToken, Self.body),
            ("ADMIN_ONLY", world.viewerToken, Self.body),
            ("LOGIN_NOT_FRESH", staleLogin, Self.body),
            ("ADDRESS_NOT_ALLOWED", world.adminToken, Self.body.replacingOccurrences(of: "0001", with: "0002")),
            ("ADDRESS_NOT_ALLOWED", world.adminToken, Self.body.replacingOccurrences(of: "TRX", with: "BSC")),
            ("ADDRESS_NOT_ALLOWED", world.adminToken, Self.body.replacingOccurrences(of: "USDT", with: "BTC")),
        ]
        for (expected, token, body) in cases {
            let reply = try world.call("POST", "/api/withdrawals", token: token, body: body)
            #expect(reply.status == 403 && rule(reply) == expected, "\(expected): \(reply.status) \(reply.text)")
        }
        #expect(try withdrawCommands(world).isEmpty)
        // Bad input is a 400 naming the field; and Withdraw does not go through /api/commands at all.
        let bad = try world.call("POST", "/api/withdrawals", token: world.adminToken, body: #"{"asset":"USDT","amount":"-1","address":"x","network":"TRX"}"#)
        #expect(bad.status == 400 && bad.text.contains("amount"), "\(bad.text)")
        let viaCommands = try world.call("POST", "/api/commands", token: world.adminToken, body: #"{"type":"Withdraw","payload":\#(Self.body)}"#)
        #expect(viaCommands.status == 400 && viaCommands.text.contains("type"), "\(viaCommands.text)")
        #expect(try withdrawCommands(world).isEmpty)
    }

    @Test("off in the server's file: WITHDRAWALS_DISABLED even for a fresh admin to an allow-listed address, and said before asking for a new login")
    func disabled() throws {
        let world = try Self.world(enabled: false)
        let reply = try world.call("POST", "/api/withdrawals", token: world.adminToken, body: Self.body)
        #expect(reply.status == 403 && rule(reply) == "WITHDRAWALS_DISABLED", "\(reply.text)")
        let now = Int64(Date().timeIntervalSince1970)
        var old = WebWorld.claims(now: now - 400)
        old["exp"] = now + 600
        #expect(rule(try world.call("POST", "/api/withdrawals", token: WebWorld.forge(old), body: Self.body)) == "WITHDRAWALS_DISABLED")
        #expect(try withdrawCommands(world).isEmpty)
    }

    @Test("a fresh admin login to an allow-listed destination queues one Withdraw command; a repeat with its Idempotency-Key is the same command")
    func accepted() throws {
        let world = try Self.world()
        let key = [("Idempotency-Key", "withdraw-1")]
        let first = try world.call("POST", "/api/withdrawals", token: world.adminToken, headers: key, body: Self.body)
        #expect(first.status == 202, "\(first.text)")
        let again = try world.call("POST", "/api/withdrawals", token: world.adminToken, headers: key, body: Self.body)
        #expect(again.status == 200 && again.json["id"] == first.json["id"])
        let stored = try withdrawCommands(world)
        #expect(stored.count == 1 && stored[0].payload["address"] == .string(Self.allowed.address) && stored[0].actor.id == "web:ana")
    }
}
