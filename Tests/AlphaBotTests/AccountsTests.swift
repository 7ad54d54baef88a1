import AlphaCore
import AlphaCrypto
import AlphaJSON
import AlphaStore
import AlphaTestSupport
import AlphaWeb
import Foundation
import Testing

/// A fleet's web (issue 19): two accounts in one PostgreSQL database, a bot each (on a simulator
/// each), one web serving both. Each account's data, stream and commands are its own, and a
/// user's role is per account — all checked over the API, as a browser or curl would.
@Suite("Two accounts, two bots, one web", .serialized)
struct AccountsTests {
    static let password = "a long enough password"

    /// Two accounts in one new database, their bots running, and the web's configuration: `ana`
    /// is admin of main and viewer of side, `bob` viewer of main alone.
    static func fleet() throws -> (main: BotWorld, side: BotWorld, config: String) {
        let url = try ScratchPostgres.shared.database()
        let main = try BotWorld(store: .postgresql, postgresURL: url, account: "main")
        let side = try BotWorld(store: .postgresql, postgresURL: url, account: "side")
        let hash = PasswordHash.make(password, iterations: 1_000)
        try main.storage.users.add(name: "ana", role: "admin", passwordHash: hash)
        try side.storage.users.add(name: "ana", role: "viewer", passwordHash: hash)
        try main.storage.users.add(name: "bob", role: "viewer", passwordHash: hash)
        try main.startBot()
        try side.startBot()
        let config = main.directory + "/fleet.yaml"
        try """
            mode: sim
            storage: \(url)
            account: main
            accounts:
              side: { exchange: binance, mode: sim }
              main: { exchange: binance, mode: sim }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o600)
        return (main, side, config)
    }

    @Test("each account's data, stream and commands are its own; a token is good for its account alone; a role is per account")
    func isolationAndRoles() throws {
        let (main, side, config) = try Self.fleet()
        let web = try WebProcess(dataDirectory: main.directory, arguments: ["--config", config])
        defer { _ = web.stop() }

        let listed = try web.call("GET", "/api/accounts")
        guard case .array(let accounts)? = listed.json["accounts"] else { Issue.record("no accounts: \(listed)"); return }
        let names: [JSONValue?] = accounts.map { value -> JSONValue? in
            guard case .object(let account) = value else { return nil }
            return account["name"]
        }
        #expect(names == [.string("main"), .string("side")], "the configured account first, then by name")

        func login(_ user: String, _ account: String) throws -> String? {
            let reply = try web.call("POST", "/api/accounts/\(account)/auth/login", body: #"{"username":"\#(user)","password":"\#(Self.password)"}"#)
            if case .string(let token)? = reply.json["token"] { return token }
            return nil
        }
        let anaMain = try #require(try login("ana", "main"))
        let anaSide = try #require(try login("ana", "side"))
        #expect(try login("bob", "side") == nil, "bob has no role on side")
        #expect(try login("bob", "main") != nil)

        // A token is good for its account alone, whatever the user's role there.
        #expect(try web.call("GET", "/api/accounts/side/orders", token: anaMain).status == 401)
        #expect(try web.call("GET", "/api/accounts/main/orders", token: anaSide).status == 401)
        #expect(try web.call("GET", "/api/orders", token: anaMain).status == 200, "the first account also answers under /api/")
        #expect(try web.call("GET", "/api/accounts/nobody/orders", token: anaMain).status == 404)

        // Streams, one per account, from the start of each log.
        let mainStream = try RawClient(port: web.port, timeoutSeconds: 1)
        try mainStream.send("GET /api/accounts/main/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(anaMain)\r\nLast-Event-ID: 0\r\n\r\n")
        let sideStream = try RawClient(port: web.port, timeoutSeconds: 1)
        try sideStream.send("GET /api/accounts/side/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(anaSide)\r\nLast-Event-ID: 0\r\n\r\n")

        // Commands: an admin of main orders on main; a viewer of side may not on side.
        let order = #"{"type":"PlaceOrder","payload":{"symbol":"BTCUSDT","side":"BUY","type":"MARKET","quantity":"0.004"}}"#
        let placed = try web.call("POST", "/api/accounts/main/commands", token: anaMain, body: order)
        #expect(placed.status == 202, "\(placed.json)")
        #expect(try web.call("POST", "/api/accounts/side/commands", token: anaSide, body: order).status == 403)
        guard case .string(let id)? = placed.json["id"] else { Issue.record("no command id"); return }
        #expect(eventually(within: 20) { (try? web.call("GET", "/api/accounts/main/commands/\(id)", token: anaMain).json["status"]) == .string("ACK") })
        #expect(main.sim.withExchange { $0.orders.count } == 1 && side.sim.withExchange { $0.orders.count } == 0,
                "main's bot placed it on main's exchange; side's bot did nothing")
        #expect(try web.call("GET", "/api/accounts/side/commands/\(id)", token: anaSide).status == 404)

        // Data: main's order is main's alone.
        let mainOrders = try web.call("GET", "/api/accounts/main/orders?status=all", token: anaMain).json["orders"]
        let sideOrders = try web.call("GET", "/api/accounts/side/orders?status=all", token: anaSide).json["orders"]
        guard case .array(let ordersOnMain)? = mainOrders, case .array(let ordersOnSide)? = sideOrders else { Issue.record("no order lists"); return }
        #expect(ordersOnMain.count == 1 && ordersOnSide.isEmpty)
        let clientOrderID = try main.commands.command(id: id)?.clientOrderID.value ?? "?"

        // Streams: main's carries the order; side's never does.
        var mainText = "", sideText = ""
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, !mainText.contains(clientOrderID) {
            if mainStream.fill() { mainText += mainStream.take() }
            if sideStream.fill() { sideText += sideStream.take() }
        }
        #expect(mainText.contains(clientOrderID), "main's stream carries main's order")
        #expect(sideText.contains("HTTP/1.1 200") && !sideText.contains(clientOrderID), "side's stream never carries it")
        #expect(main.stopBot() == 0 && side.stopBot() == 0)
    }

    @Test("the dashboard in headless Chromium: the login form's account picker, the header's switcher, a token per account; no console errors")
    func browser() throws {
        let (main, side, config) = try Self.fleet()
        let root = PythonPeer.repositoryRoot
        let web = try WebProcess(dataDirectory: main.directory, arguments: ["--config", config, "--public", root.appendingPathComponent("Public").path])
        defer { _ = web.stop() }
        let screenshots = root.appendingPathComponent(".build/browser-screenshots").path
        try FileManager.default.createDirectory(atPath: screenshots, withIntermediateDirectories: true)
        let python = root.appendingPathComponent(".venv-browser/bin/python").path
        let peer = try PythonPeer(suite: "AlphaEngineCLITests", "browser_accounts.py",
                                  arguments: ["http://127.0.0.1:\(web.port)", Self.password, screenshots], python: python)
        var lines: [String] = []
        while let line = peer.readLine() {
            print("browser: \(line)")
            lines.append(line)
        }
        #expect(peer.wait() == 0 && lines.last == "ok", "\(lines.joined(separator: "\n"))")
        #expect(main.stopBot() == 0 && side.stopBot() == 0)
    }
}
