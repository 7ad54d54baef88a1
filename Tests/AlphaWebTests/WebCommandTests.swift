import AlphaCore
import AlphaJSON
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

@Suite("Web commands and config: validation, Idempotency-Key, version conflicts")
struct WebCommandTests {
    static let order = #"{"type":"PlaceOrder","payload":{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","quantity":"0.010","price":"50000","timeInForce":"GTC"}}"#

    @Test("a command answers 202 with its location, and following the location shows it")
    func created() throws {
        let world = try WebWorld()
        let reply = try world.call("POST", "/api/commands", token: world.adminToken, body: Self.order)
        #expect(reply.status == 202)
        guard case .string(let id)? = reply.json["id"] else { Issue.record("\(reply.text)"); return }
        #expect(reply.header("Location") == "/api/commands/\(id)")
        let followed = try world.call("GET", "/api/commands/\(id)", token: world.viewerToken)
        #expect(followed.status == 200 && followed.json["status"] == .string("NEW"))
        #expect(followed.json["actor"] == .object(["kind": .string("USER"), "id": .string("web:ana")]))
        let stored = try #require(try CommandStore(database: world.database).command(id: id))
        #expect(stored.payload["quantity"] == .string("0.010"), "the decimal string is kept exactly as sent")
        #expect(stored.priority == Priority.user)
        #expect(try world.call("GET", "/api/commands/ffffffffffffffffffffffffffffffff", token: world.viewerToken).status == 404)
    }

    @Test("the command list pages back newest first with `next` as `before`: each command once, in queue order; filters hold across pages; a cursor naming no command is a 404")
    func listPages() throws {
        let world = try WebWorld()
        var queued: [String] = []
        for index in 0..<7 {
            let body = index % 2 == 0 ? #"{"type":"PauseEngine","payload":{}}"# : #"{"type":"ResumeEngine","payload":{}}"#
            let reply = try world.call("POST", "/api/commands", token: world.adminToken, body: body)
            guard case .string(let id)? = reply.json["id"] else { Issue.record("\(reply.text)"); return }
            queued.append(id)
        }
        var seen: [String] = []
        var path = "/api/commands?limit=3"
        for _ in 0..<5 {
            let page = try world.call("GET", path, token: world.viewerToken)
            #expect(page.status == 200, "\(path): \(page.text)")
            guard case .array(let commands)? = page.json["commands"] else { Issue.record("\(page.text)"); return }
            seen += commands.compactMap { if case .object(let command) = $0, case .string(let id)? = command["id"] { id } else { nil } }
            guard case .string(let next)? = page.json["next"] else {
                #expect(page.json["next"] == .null)
                break
            }
            path = "/api/commands?limit=3&before=\(next)"
        }
        #expect(seen == queued.reversed(), "every command once, newest first")
        let pauses = try world.call("GET", "/api/commands?type=PauseEngine&limit=2", token: world.viewerToken)
        guard case .string(let next)? = pauses.json["next"] else { Issue.record("\(pauses.text)"); return }
        let older = try world.call("GET", "/api/commands?type=PauseEngine&limit=2&before=\(next)", token: world.viewerToken)
        guard case .array(let olderPauses)? = older.json["commands"] else { Issue.record("\(older.text)"); return }
        let olderCommands = olderPauses.compactMap { if case .object(let command) = $0 { command } else { nil } }
        #expect(olderCommands.map { $0["id"] } == [.string(queued[2]), .string(queued[0])])
        #expect(olderCommands.allSatisfy { $0["type"] == .string("PauseEngine") })
        let unknown = try world.call("GET", "/api/commands?before=ffffffffffffffffffffffffffffffff", token: world.viewerToken)
        #expect(unknown.status == 404 && unknown.text.contains("before"))
    }

    @Test("the same Idempotency-Key returns the first command (one row); reused for another body it is a 409")
    func idempotency() throws {
        let world = try WebWorld()
        let key = [("Idempotency-Key", "order-7f3a")]
        let first = try world.call("POST", "/api/commands", token: world.adminToken, headers: key, body: Self.order)
        let second = try world.call("POST", "/api/commands", token: world.adminToken, headers: key, body: Self.order)
        #expect(first.status == 202 && second.status == 200)
        #expect(first.json["id"] == second.json["id"] && first.json["id"] != nil)
        #expect(second.header("Location") == first.header("Location"))
        #expect(try CommandStore(database: world.database).list().count == 1)
        let other = try world.call("POST", "/api/commands", token: world.adminToken, headers: key,
                                   body: #"{"type":"PauseEngine","payload":{}}"#)
        #expect(other.status == 409 && other.errorCode == "conflict")
        #expect(try CommandStore(database: world.database).list().count == 1)
        // Without a key every POST is a new command.
        _ = try world.call("POST", "/api/commands", token: world.adminToken, body: Self.order)
        _ = try world.call("POST", "/api/commands", token: world.adminToken, body: Self.order)
        #expect(try CommandStore(database: world.database).list().count == 3)
        let badKey = try world.call("POST", "/api/commands", token: world.adminToken,
                                    headers: [("Idempotency-Key", String(repeating: "k", count: 129))], body: Self.order)
        #expect(badKey.status == 400 && badKey.text.contains("Idempotency-Key"))
    }

    @Test("each command's payload is checked field by field: every problem named, nothing stored")
    func validation() throws {
        let world = try WebWorld()
        let cases: [(String, [String])] = [
            (#"{"type":"PlaceOrder","payload":{"symbol":"btc","side":"HOLD","type":"LIMIT","quantity":0.1,"bogus":1}}"#,
             ["payload.symbol", "payload.side", "payload.quantity", "payload.price", "payload.bogus"]),
            (#"{"type":"PlaceOrder","payload":{"symbol":"BTCUSDT","side":"BUY","type":"MARKET","quantity":"-1","price":"5"}}"#,
             ["payload.quantity", "payload.price"]),
            (#"{"type":"PlaceOrder","payload":{"symbol":"BTCUSDT","side":"SELL","type":"STOP_MARKET","quantity":"1"}}"#,
             ["payload.stopPrice"]),
            (#"{"type":"SetLeverage","payload":{"symbol":"BTCUSDT","leverage":500}}"#, ["payload.leverage"]),
            (#"{"type":"SetEngineMode","payload":{"mode":"turbo"}}"#, ["payload.mode"]),
            (#"{"type":"CancelOrder","payload":{"symbol":"BTCUSDT"}}"#, ["payload.clientOrderId"]),
            (#"{"type":"Withdraw","payload":{}}"#, ["type"]),
            (#"{"type":"Nope"}"#, ["type"]),
            (#"{"payload":{}}"#, ["type"]),
            (#"{"type":"PauseEngine","payload":[]}"#, ["payload"]),
            (#"{"type":"UpdateConfig","payload":{"expectedVersion":0,"config":{"risk":{}}}}"#,
             ["payload.config.trading", "payload.config.risk.daily_loss_limit"]),
        ]
        for (body, fields) in cases {
            let reply = try world.call("POST", "/api/commands", token: world.adminToken, body: body)
            #expect(reply.status == 400 && reply.errorCode == "invalid_request", "\(body)")
            guard case .object(let error)? = reply.json["error"], case .array(let problems)? = error["fields"] else {
                Issue.record("no fields for \(body): \(reply.text)"); continue
            }
            let named = Set(problems.compactMap { problem -> String? in
                guard case .object(let object) = problem, case .string(let field)? = object["field"] else { return nil }
                return field
            })
            for field in fields { #expect(named.contains(field), "\(body) should name \(field); named \(named)") }
        }
        #expect(try world.call("POST", "/api/commands", token: world.adminToken, body: "{not json").errorCode == "invalid_json")
        let text = try world.call("POST", "/api/commands", token: world.adminToken, headers: [("Content-Type", "text/plain")])
        #expect(text.status == 415 || text.status == 400)
        #expect(try CommandStore(database: world.database).list().isEmpty)
    }

    @Test("config: GET shows the version; PUT with a stale version is a 409, a bad field a 400 naming it, a good one an UpdateConfig command")
    func config() throws {
        let world = try WebWorld()
        let current = try world.call("GET", "/api/config", token: world.viewerToken)
        #expect(current.json["version"] == .int(0))
        guard case .object(var config)? = current.json["config"] else { Issue.record("\(current.text)"); return }

        // Someone else changes it first (the bot applies their UpdateConfig).
        try ConfigStore(database: world.database).updateRuntime(RuntimeConfig(), expectedVersion: 0, by: "web:other")
        config["risk"] = .object(["max_risk_per_trade": .string("0.01"), "daily_loss_limit": .string("0.03")])
        let stale = try world.call("PUT", "/api/config", token: world.adminToken,
                                   body: JSONValue.object(["expectedVersion": .int(0), "config": .object(config)]).serialized)
        #expect(stale.status == 409 && stale.errorCode == "conflict" && stale.text.contains("version 1"))

        var broken = config
        broken["risk"] = .object(["max_risk_per_trade": .string("2"), "daily_loss_limit": .number("1.5")])  // numbers are read exactly, and checked the same
        let invalid = try world.call("PUT", "/api/config", token: world.adminToken,
                                     body: JSONValue.object(["expectedVersion": .int(1), "config": .object(broken)]).serialized)
        #expect(invalid.status == 400 && invalid.text.contains("config.risk.max_risk_per_trade")
                && invalid.text.contains("config.risk.daily_loss_limit"))

        let accepted = try world.call("PUT", "/api/config", token: world.adminToken, headers: [("Idempotency-Key", "cfg-1")],
                                      body: JSONValue.object(["expectedVersion": .int(1), "config": .object(config)]).serialized)
        #expect(accepted.status == 202 && accepted.json["type"] == .string("UpdateConfig"))
        guard case .object(let payload)? = accepted.json["payload"] else { Issue.record("\(accepted.text)"); return }
        #expect(payload["expectedVersion"] == .int(1))
        // The bot applies it; a retried PUT with the same key still returns that command, not a 409.
        try ConfigStore(database: world.database).updateRuntime(RuntimeConfig(json: config), expectedVersion: 1, by: "web:ana")
        let retried = try world.call("PUT", "/api/config", token: world.adminToken, headers: [("Idempotency-Key", "cfg-1")],
                                     body: JSONValue.object(["expectedVersion": .int(1), "config": .object(config)]).serialized)
        #expect(retried.status == 200 && retried.json["id"] == accepted.json["id"])
    }

    @Test("config: the strategy is checked against the strategy itself: an unknown name, a misspelled parameter and a value out of range, each named")
    func strategyConfig() throws {
        let world = try WebWorld()
        guard case .object(var config)? = try world.call("GET", "/api/config", token: world.viewerToken).json["config"] else {
            Issue.record("no config"); return
        }
        func put(_ strategy: JSONObject) throws -> WebWorld.Reply {
            config["strategy"] = .object(strategy)
            return try world.call("PUT", "/api/config", token: world.adminToken,
                                  body: JSONValue.object(["expectedVersion": .int(0), "config": .object(config)]).serialized)
        }
        let unknown = try put(["name": "sma_crosss", "timeframe": "5m", "params": .object([:])])
        #expect(unknown.status == 400 && unknown.text.contains(#""field":"config.strategy.name""#) && unknown.text.contains("sma_cross, ma_trend"),
                "\(unknown.text)")
        let misspelled = try put(["name": "sma_cross", "timeframe": "5m", "params": .object(["fsat": 5, "slow": 2000])])
        #expect(misspelled.status == 400 && misspelled.text.contains(#""field":"config.strategy.params.fsat""#)
                && misspelled.text.contains(#""field":"config.strategy.params.slow""#), "\(misspelled.text)")
        let crossed = try put(["name": "sma_cross", "timeframe": "5m", "params": .object(["fast": 30, "slow": 20])])
        #expect(crossed.status == 400 && crossed.text.contains("must be less than slow"), "\(crossed.text)")
        // The same checks stand behind a raw UpdateConfig command.
        let command = try world.call("POST", "/api/commands", token: world.adminToken, body: JSONValue.object([
            "type": "UpdateConfig", "payload": .object(["expectedVersion": .int(0), "config": .object(config)]),
        ]).serialized)
        #expect(command.status == 400 && command.text.contains("payload.config.strategy.params.fast"), "\(command.text)")
        let good = try put(["name": "sma_cross", "timeframe": "1m", "params": .object(["fast": 3, "slow": 8])])
        #expect(good.status == 202, "\(good.text)")
        #expect(try CommandStore(database: world.database).list().count == 1)
    }
}
