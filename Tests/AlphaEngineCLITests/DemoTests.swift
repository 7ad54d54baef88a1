import AlphaTestSupport
import Foundation
import Testing

/// `alphaengine demo` as a newcomer runs it: one command, then the printed URL and login.
@Suite("alphaengine demo", .serialized)
struct DemoTests {
    final class Demo {
        let process = Process()
        private let output = Pipe()
        var banner = ""

        init(dataDirectory: String, extra: [String] = []) throws {
            process.executableURL = BuiltExecutable.url("alphaengine")
            process.arguments = ["demo", "--data-dir", dataDirectory, "--port", "0", "--sim-port", "0"] + extra
            process.currentDirectoryURL = PythonPeer.repositoryRoot  // where openapi.yaml is, as after a clone
            process.environment = ["PATH": "/usr/bin:/bin"]
            process.standardOutput = output
            process.standardError = output
            try process.run()
            while !banner.contains("curl -s -X POST") {
                let data = output.fileHandleForReading.availableData
                if data.isEmpty { break }
                banner += String(decoding: data, as: UTF8.self)
            }
        }

        var port: UInt16? {
            guard let range = banner.range(of: "web:        http://127.0.0.1:") else { return nil }
            return UInt16(banner[range.upperBound...].prefix { $0.isNumber })
        }

        var password: String? {
            guard let range = banner.range(of: "login:      demo / ") else { return nil }
            return String(banner[range.upperBound...].prefix { !$0.isWhitespace })
        }

        func stop() -> (status: Int32, rest: String) {
            kill(process.processIdentifier, SIGTERM)
            let rest = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, rest)
        }
    }

    static func call(_ port: UInt16, _ method: String, _ target: String, token: String? = nil, body: String? = nil) throws -> RawClient.Response {
        let client = try RawClient(port: port, timeoutSeconds: 10)
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        if let body { head += "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n" }
        try client.send(head + "\r\n" + (body ?? ""))
        return try client.readResponse()
    }

    static func field(_ name: String, in text: String) -> String? {
        guard let range = text.range(of: "\"\(name)\":\"") else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }

    @Test("one command runs simulator, bot and web; the printed login places an order to ACK; Ctrl-C stops all three; the login stays")
    func demo() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alphaengine-demo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try Demo(dataDirectory: directory, extra: ["--strategy", "none"])  // the position is the user's alone
        let port = try #require(first.port, "\(first.banner)")
        let password = try #require(first.password, "\(first.banner)")

        let login = try Self.call(port, "POST", "/api/auth/login", body: #"{"username":"demo","password":"\#(password)"}"#)
        let token = try #require(Self.field("token", in: login.text), "\(login.text)")
        #expect(eventually(within: 30) { (try? Self.call(port, "GET", "/api/ready").status) == 200 }, "the bot is up and beating")
        let order = try Self.call(port, "POST", "/api/commands", token: token,
                                  body: #"{"type":"PlaceOrder","payload":{"symbol":"BTCUSDT","side":"BUY","type":"MARKET","quantity":"0.010"}}"#)
        #expect(order.status == 202)
        let location = try #require(order.header("Location"))
        #expect(eventually(within: 15) { (try? Self.call(port, "GET", location, token: token)).flatMap { Self.field("status", in: $0.text) } == "ACK" })
        // The position comes from the fill (stream or REST), just after the ACK.
        #expect(eventually(within: 10) { (try? Self.call(port, "GET", "/api/positions", token: token))?.text.contains(#""amount":"0.01""#) == true })
        #expect(try Self.call(port, "GET", "/api/dashboard", token: token).text.contains(#""tradingMode":"sim","symbol":"BTCUSDT""#),
                "the configuration names the symbol the demo trades")

        let (status, rest) = first.stop()
        #expect(status == 0, "\(rest)")
        let webLog = (try? String(contentsOfFile: directory + "/web.log", encoding: .utf8)) ?? ""
        let botLog = (try? String(contentsOfFile: directory + "/bot.log", encoding: .utf8)) ?? ""
        #expect(webLog.contains("alphaengine web: stopped") && botLog.contains("alphaengine bot: stopped"), "children stopped cleanly")

        let second = try Demo(dataDirectory: directory)
        #expect(second.password == password, "the same login on the next run")
        #expect(second.stop().status == 0)
    }

    @Test("demo --venue upbit: the Upbit simulator, bot and web; volatility_breakout evaluates KRW-BTC five-minute candles; an order by the API holds coin; KRW and KST on the dashboard; a Binance symbol is refused")
    func upbitDemo() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alphaengine-demo-upbit-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let demo = try Demo(dataDirectory: directory, extra: ["--venue", "upbit"])
        #expect(demo.banner.contains("(Upbit API;") && demo.banner.contains("strategy volatility_breakout on 5m candles of KRW-BTC"), "\(demo.banner)")
        let port = try #require(demo.port, "\(demo.banner)")
        let password = try #require(demo.password, "\(demo.banner)")
        let login = try Self.call(port, "POST", "/api/auth/login", body: #"{"username":"demo","password":"\#(password)"}"#)
        let token = try #require(Self.field("token", in: login.text), "\(login.text)")
        #expect(eventually(within: 30) { (try? Self.call(port, "GET", "/api/ready").status) == 200 }, "the bot is up and beating")
        let dashboard = try Self.call(port, "GET", "/api/dashboard", token: token).text
        #expect(dashboard.contains(#""symbol":"KRW-BTC","venue":{"exchange":"upbit","name":"Upbit KRW","market":"spot","quoteAsset":"KRW","timeZone":"Asia/Seoul","stopOrders":false}"#),
                "\(dashboard)")
        // The strategy runs: at 60× a five-minute candle closes every five seconds.
        #expect(eventually(within: 30) {
            (try? Self.call(port, "GET", "/api/events?type=StrategyEvaluated", token: token))?.text.contains(#""strategy":"volatility_breakout""#) == true
        })
        let refused = try Self.call(port, "POST", "/api/commands", token: token,
                                    body: #"{"type":"PlaceOrder","payload":{"symbol":"BTCUSDT","side":"BUY","type":"MARKET","quantity":"0.001"}}"#)
        #expect(refused.status == 400 && refused.text.contains("a market such as KRW-BTC"), "\(refused.text)")
        let order = try Self.call(port, "POST", "/api/commands", token: token,
                                  body: #"{"type":"PlaceOrder","payload":{"symbol":"KRW-BTC","side":"BUY","type":"MARKET","quantity":"0.001"}}"#)
        #expect(order.status == 202, "\(order.text)")
        let location = try #require(order.header("Location"))
        #expect(eventually(within: 15) { (try? Self.call(port, "GET", location, token: token)).flatMap { Self.field("status", in: $0.text) } == "ACK" })
        #expect(eventually(within: 10) { (try? Self.call(port, "GET", "/api/positions", token: token))?.text.contains(#""symbol":"KRW-BTC","amount":"0.001""#) == true })
        #expect(try Self.call(port, "GET", "/api/balances", token: token).text.contains(#""asset":"KRW""#))
        #expect(demo.stop().status == 0)
    }

    @Test("the demo, run as a new user runs it, opens and closes a position by itself within a minute: sma_cross on one-minute candles at 60×")
    func demoTradesByItself() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alphaengine-demo-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let demo = try Demo(dataDirectory: directory)
        #expect(demo.banner.contains("strategy sma_cross on 1m candles of BTCUSDT"), "\(demo.banner)")
        let port = try #require(demo.port, "\(demo.banner)")
        let password = try #require(demo.password, "\(demo.banner)")
        let login = try Self.call(port, "POST", "/api/auth/login", body: #"{"username":"demo","password":"\#(password)"}"#)
        let token = try #require(Self.field("token", in: login.text), "\(login.text)")
        // Within a minute: an entry and an exit decided by the strategy, each filled on the exchange.
        var decisions = ""
        let traded = eventually(within: 60) {
            decisions = (try? Self.call(port, "GET", "/api/events?type=DecisionMade&limit=1000", token: token).text) ?? ""
            let trades = (try? Self.call(port, "GET", "/api/trades?limit=1000", token: token).text) ?? ""
            let entered = decisions.contains(#""target":"0.01""#) || decisions.contains(#""target":"-0.01""#)
            return entered && decisions.contains(#""target":"0""#) && trades.components(separatedBy: #""tradeId""#).count - 1 >= 2
        }
        #expect(traded, "no entry and exit within a minute: \(decisions.prefix(2000))")
        let (status, rest) = demo.stop()
        #expect(status == 0, "\(rest)")
    }
}
