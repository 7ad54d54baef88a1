import AlphaCore
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// The operator console (issue 17) against the running demo: what a person on the server types,
/// carried out by the bot through the same command store as the web's.
@Suite("Operator console: status, pause, resume, cancel-all, close", .serialized)
struct OperatorConsoleTests {
    @Test("pause and resume reach the bot and the web sees them; status shows the position an API order made; cancel-all and close --yes leave the symbol flat with nothing open; mistakes are refused before anything is queued; with the bot down a command waits, queued")
    func console() throws {
        let session = try DemoSession("console")
        let (directory, port, token) = (session.directory, session.port, session.token)
        func console(_ arguments: [String]) throws -> (status: Int32, output: String) {
            try BackupTests.alphaengine(arguments + ["--data-dir", directory])
        }

        let paused = try console(["pause", "--reason", "maintenance window"])
        #expect(paused.status == 0 && paused.output.contains("PauseEngine: ACK"), "\(paused.output)")
        #expect(try DemoTests.call(port, "GET", "/api/dashboard", token: token).text.contains(#""engine":{"state":"PAUSED""#), "the web sees it")
        #expect(try console(["status"]).output.contains("engine:      PAUSED (normal)"))
        let resumed = try console(["resume"])
        #expect(resumed.status == 0 && resumed.output.contains("ResumeEngine: ACK"), "\(resumed.output)")

        // Someone trades through the web: a filled market order and a resting limit.
        for body in [#"{"type":"PlaceOrder","payload":{"symbol":"BTCUSDT","side":"BUY","type":"MARKET","quantity":"0.020"}}"#,
                     #"{"type":"PlaceOrder","payload":{"symbol":"BTCUSDT","side":"BUY","type":"LIMIT","quantity":"0.010","price":"30000","timeInForce":"GTC"}}"#] {
            #expect(try DemoTests.call(port, "POST", "/api/commands", token: token, body: body).status == 202)
        }
        var status = ""
        #expect(eventually(within: 15) {
            status = (try? console(["status"]).output) ?? ""
            return status.contains("positions:   BTCUSDT 0.02 @") && status.contains("open orders: 1")
        }, "\(status)")
        #expect(status.contains("engine:      RUNNING") && status.contains("today (UTC): USDT"), "\(status)")

        let refused = try console(["close"])
        #expect(refused.status == 64 && refused.output.contains("--yes"), "a market order needs a yes: \(refused.output)")
        let misspelt = try console(["cancel-all", "--symbol", "btc"])
        #expect(misspelt.status == 64 && misspelt.output.contains("payload.symbol"), "\(misspelt.output)")
        #expect(try console(["cancel-all"]).output.contains("CancelAll: ACK"))
        let closed = try console(["close", "--yes"])
        #expect(closed.status == 0 && closed.output.contains("ClosePosition: ACK"), "\(closed.output)")
        #expect(eventually(within: 15) {
            status = (try? console(["status"]).output) ?? ""
            return status.contains("positions:   none") && status.contains("open orders: 0")
        }, "\(status)")
        let commands = try DemoTests.call(port, "GET", "/api/commands?limit=20", token: token).text
        #expect(commands.contains(#""id":"cli:"#), "the console's commands carry their operator: \(commands.prefix(400))")

        // The bot stops; a command waits in the store and says so.
        #expect(session.stop().status == 0)
        let waiting = try console(["pause", "--wait", "1"])
        #expect(waiting.status == 75 && waiting.output.contains("still NEW"), "\(waiting.output)")
        let store = CommandStore(database: try Database.openMigrated(path: directory + "/alphaengine-sim.db"))
        #expect(try store.list(status: .new, type: .pauseEngine).count == 1, "queued for when the bot runs")
    }
}
