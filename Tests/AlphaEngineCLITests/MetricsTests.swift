import AlphaCore
import AlphaJSON
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// `/metrics` for both processes (issue 17) against the running demo, and the Grafana dashboard
/// in `deploy/` held to what it scrapes.
@Suite("Metrics of the bot and the web, and the Grafana dashboard", .serialized)
struct MetricsTests {
    @Test("/metrics carries the bot's state, stream, reconcile, commands and order latency after a real order; every metric the Grafana dashboard queries is one /metrics serves")
    func metrics() throws {
        let session = try DemoSession("metrics")
        let (port, token) = (session.port, session.token)
        let order = try DemoTests.call(port, "POST", "/api/commands", token: token,
                                       body: #"{"type":"PlaceOrder","payload":{"symbol":"BTCUSDT","side":"BUY","type":"MARKET","quantity":"0.010"}}"#)
        let location = try #require(order.header("Location"))
        #expect(eventually(within: 15) { (try? DemoTests.call(port, "GET", location, token: token)).flatMap { DemoTests.field("status", in: $0.text) } == "ACK" })

        // A message waiting for Slack, as the notifier leaves one while the receiver is down.
        let storage = SQLiteStorage(try Database.openMigrated(path: session.directory + "/alphaengine-sim.db"))
        _ = try storage.notifications.enqueue([OutboxItem(destination: "slack", dedupKey: "event:1", kind: "fills", message: "{}", createdAt: 1)],
                                              quietMilliseconds: 0, advancing: nil)

        var text = ""
        #expect(eventually(within: 15) {
            text = (try? DemoTests.call(port, "GET", "/metrics", token: token).text) ?? ""
            return text.contains("alphaengine_open_orders 0.0")
        }, "\(text)")
        func value(_ series: String) -> Double? {
            text.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last ?? "") }
        }
        #expect(value(#"alphaengine_bot_engine_state{state="RUNNING"}"#) == 1 && value(#"alphaengine_bot_engine_state{state="PAUSED"}"#) == 0)
        #expect(value("alphaengine_bot_stream_connected") == 1)
        #expect((value("alphaengine_bot_reconcile_age_seconds") ?? -1) >= 0, "a reconcile has run")
        #expect((value(#"alphaengine_commands{status="ACK"}"#) ?? 0) >= 1)
        #expect((value(#"alphaengine_order_ack_seconds{quantile="0.5"}"#) ?? -1) >= 0)
        #expect(value("alphaengine_strategy_decisions_total") == 0 && value("alphaengine_risk_refusals_total") == 0)
        #expect(text.contains("# TYPE alphaengine_bot_drifts_total counter"))
        #expect(value(#"alphaengine_notifications{destination="slack",state="pending"}"#) == 1)

        // The dashboard queries nothing /metrics does not serve.
        let dashboard = try JSONParser.parseObject(String(contentsOf: PythonPeer.repositoryRoot.appendingPathComponent("deploy/grafana/alphaengine.json"),
                                                          encoding: .utf8))
        guard case .array(let panels)? = dashboard["panels"] else { Issue.record("no panels"); return }
        var queried: Set<String> = []
        for case .object(let panel) in panels {
            guard case .array(let targets)? = panel["targets"] else { continue }
            for case .object(let target) in targets {
                guard case .string(let expression)? = target["expr"] else { continue }
                for match in expression.matches(of: /alphaengine_[a-z_0-9]+/) { queried.insert(String(match.output)) }
            }
        }
        let served = Set(text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) })
        let missing = queried.filter { name in !served.contains(name) && !served.contains(String(name.replacing(/_bucket$/, with: ""))) }
        #expect(queried.count >= 12 && missing.isEmpty, "queried but not served: \(missing.sorted())")
    }
}
