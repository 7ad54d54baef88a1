import AlphaCore
import AlphaJSON
import AlphaTestSupport
import AlphaWebSocket
import Foundation
import Testing
@testable import AlphaSim

@Suite("Simulator wallet API and activity outside the bot")
struct WalletAndOutsideActivityTests {
    @Test("deposit to spot, transfer to futures (ACCOUNT_UPDATE ASSET_TRANSFER), refuse an overdraft, withdraw, histories")
    func walletFlow() throws {
        let sim = try SimHarness()
        let stream = try WebSocketClient(url: "ws://127.0.0.1:\(sim.port)/ws/\(try sim.listenKey())")
        #expect(eventually { sim.service.streams.sessionCount == 1 })
        #expect(try sim.control("POST", "deposit", #"{"amount":"500","wallet":"spot"}"#).status == 200)
        let transfer = try sim.signed("POST", "/sapi/v1/asset/transfer", [("type", "MAIN_UMFUTURE"), ("asset", "USDT"), ("amount", "300")])
        #expect(transfer.status == 200)
        #expect(transfer.json["tranId"] != nil)
        guard case .text(let text)? = try stream.receive(timeoutMilliseconds: 3000) else { Issue.record("no event"); return }
        let event = try JSONParser.parseObject(text)
        guard case .object(let account)? = event["a"] else { Issue.record("no account"); return }
        #expect(account["m"] == "ASSET_TRANSFER")
        #expect(sim.service.withExchange { $0.ledger.walletBalance } == Amount("10300")!)
        #expect(try sim.signed("POST", "/sapi/v1/futures/transfer", [("type", "1"), ("asset", "USDT"), ("amount", "201")]).json["code"]
                == .int(-5002))
        #expect(try sim.signed("POST", "/sapi/v1/futures/transfer", [("type", "2"), ("asset", "USDT"), ("amount", "50")]).status == 200)
        let withdrawal = try sim.signed("POST", "/sapi/v1/capital/withdraw/apply", [("coin", "USDT"), ("address", "Txyz"), ("amount", "250")])
        #expect(withdrawal.status == 200)
        #expect(try sim.signed("POST", "/sapi/v1/capital/withdraw/apply", [("coin", "USDT"), ("address", "Txyz"), ("amount", "1")]).status == 400)
        #expect(try sim.signed("GET", "/sapi/v1/capital/deposit/hisrec", []).text.contains("\"amount\":\"500\""))
        #expect(try sim.signed("GET", "/sapi/v1/capital/withdraw/history", []).text.contains("\"address\":\"Txyz\""))
        // Transfers are income lines, so the invariant still holds.
        sim.service.withExchange { exchange in
            let income = exchange.ledger.income.reduce(Amount.zero) { $0 + $1.amount }
            #expect(exchange.ledger.walletBalance == exchange.ledger.initialBalance + income)
        }
    }

    @Test("an order placed by hand on the exchange's UI shows up in REST and on the stream with a web_ client id")
    func manualOrder() throws {
        let sim = try SimHarness()
        let stream = try WebSocketClient(url: "ws://127.0.0.1:\(sim.port)/ws/\(try sim.listenKey())")
        #expect(eventually { sim.service.streams.sessionCount == 1 })
        let placed = try sim.control("POST", "order", #"{"symbol":"BTCUSDT","side":"SELL","quantity":"0.01"}"#)
        guard case .string(let clientOrderId)? = placed.json["clientOrderId"] else { Issue.record("no client id: \(placed.text)"); return }
        #expect(clientOrderId.hasPrefix("web_"))
        guard case .text(let text)? = try stream.receive(timeoutMilliseconds: 3000) else { Issue.record("no event"); return }
        #expect(text.contains(clientOrderId))
        let positions = try sim.signed("GET", "/fapi/v3/positionRisk", [])
        #expect(positions.text.contains("\"positionAmt\":\"-0.010\""))
    }

    @Test("alphaengine sim --config: first line is the JSON banner with the file's keys; Binance and control API served; SIGTERM → 0")
    func commandLine() throws {
        let config = NSTemporaryDirectory() + "sim-\(UUID().uuidString).yaml"
        try "api_key: \"file-key\"\napi_secret: \"file-secret\"\nbalance: \"2500\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o600)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let process = Process()
        process.executableURL = BuiltExecutable.url("alphaengine")
        process.arguments = ["sim", "--port", "0", "--seed", "5", "--speed", "60", "--config", config]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        let banner = try JSONParser.parseObject(line.trimmingCharacters(in: .whitespacesAndNewlines))
        for key in ["rest", "ws", "control", "controlToken", "apiKey", "apiSecret"] { #expect(banner[key] != nil, "banner lacks \(key)") }
        #expect(banner["apiKey"] == "file-key")
        guard case .string(let rest)? = banner["rest"], let port = UInt16(rest.split(separator: ":").last ?? ""),
              case .string(let token)? = banner["controlToken"] else { Issue.record("bad banner \(line)"); return }
        let ping = try RawClient(port: port)
        try ping.send("GET /fapi/v1/ping HTTP/1.1\r\nHost: s\r\n\r\n")
        #expect(try ping.readResponse().text == "{}")
        let ledger = try RawClient(port: port)
        try ledger.send("GET /sim/v1/ledger HTTP/1.1\r\nHost: s\r\nAuthorization: Bearer \(token)\r\n\r\n")
        #expect(try ledger.readResponse().text.contains("\"walletBalance\":\"2500\""))
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}

@Suite("Simulator account settings")
struct AccountSettingsTests {
    @Test("margin type: change once, -4046 when unchanged, -4048 with a position; position mode is one-way (-4059, -4068)")
    func settings() throws {
        let sim = try SimHarness()
        #expect(try sim.signed("POST", "/fapi/v1/marginType", [("symbol", "BTCUSDT"), ("marginType", "ISOLATED")]).json["code"] == .int(200))
        #expect(try sim.signed("POST", "/fapi/v1/marginType", [("symbol", "BTCUSDT"), ("marginType", "ISOLATED")]).json["code"] == .int(-4046))
        #expect(try sim.signed("GET", "/fapi/v2/positionRisk", [("symbol", "BTCUSDT")]).text.contains("\"marginType\":\"isolated\""))
        _ = try sim.marketBuy("m-1")
        #expect(try sim.signed("POST", "/fapi/v1/marginType", [("symbol", "BTCUSDT"), ("marginType", "CROSSED")]).json["code"] == .int(-4048))
        #expect(try sim.signed("POST", "/fapi/v1/positionSide/dual", [("dualSidePosition", "false")]).json["code"] == .int(-4059))
        #expect(try sim.signed("POST", "/fapi/v1/positionSide/dual", [("dualSidePosition", "true")]).json["code"] == .int(-4068))
        #expect(try sim.signed("GET", "/fapi/v1/positionSide/dual", []).text == #"{"dualSidePosition":false}"#)
    }

    @Test("a listenKey not kept alive expires by itself: listenKeyExpired arrives on its stream")
    func listenKeyExpiry() throws {
        let sim = try SimHarness()
        let key = try sim.listenKey()
        let stream = try WebSocketClient(url: "ws://127.0.0.1:\(sim.port)/ws/\(key)")
        #expect(eventually { sim.service.streams.sessionCount == 1 })
        sim.service.streamsForBenchmark(listenKey: key)  // same key, set to expire in an hour …
        sim.service.state.withLock { $0.listenKey = (key, sim.service.now() - 1) }  // … now already past
        sim.service.expireListenKeyIfDue()
        guard case .text(let text)? = try stream.receive(timeoutMilliseconds: 3000) else { Issue.record("no event"); return }
        #expect(text.contains("\"e\":\"listenKeyExpired\""))
        #expect(try sim.apiKeyRequest("PUT", "/fapi/v1/listenKey").json["code"] == .int(-1125))
    }
}
