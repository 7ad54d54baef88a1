import AlphaCore
import AlphaJSON
import AlphaTestSupport
import Foundation
import Testing

/// Users, API tokens and the configuration from the server's shell (issue 17), against the web
/// of the running demo: what the commands change takes effect there within a second.
@Suite("alphaengine user, token and config show", .serialized)
struct AccountsCLITests {
    @Test("user list/disable/enable/passwd and token list/revoke take effect in the running web within a second, sessions included; config show masks every secret")
    func accounts() throws {
        let demo = try DemoSession("accounts")
        let (directory, port, adminPassword) = (demo.directory, demo.port, demo.password)
        func cli(_ arguments: [String], input: String? = nil) throws -> (status: Int32, output: String) {
            try BackupTests.alphaengine(arguments + ["--data-dir", directory], input: input.map { $0 + "\n" })
        }
        func login(_ name: String, _ password: String) throws -> String? {
            let answer = try DemoTests.call(port, "POST", "/api/auth/login", body: #"{"username":"\#(name)","password":"\#(password)"}"#)
            return answer.status == 200 ? DemoTests.field("token", in: answer.text) : nil
        }
        func me(_ token: String) -> Int { (try? DemoTests.call(port, "GET", "/api/auth/me", token: token).status) ?? 0 }

        #expect(try cli(["user", "add", "watcher", "--role", "viewer"], input: "a viewer's long password").status == 0)
        let session = try #require(try login("watcher", "a viewer's long password"))
        #expect(me(session) == 200)
        let listed = try cli(["user", "list"]).output
        #expect(listed.contains("demo\tadmin\tactive") && listed.contains("watcher\tviewer\tactive"), "\(listed)")

        // Disabled: the open session ends, and signing in again is refused like a wrong password.
        #expect(try cli(["user", "disable", "watcher"]).status == 0)
        #expect(eventually(within: 3) { me(session) == 401 }, "the session ends within a second or so")
        #expect(try login("watcher", "a viewer's long password") == nil)
        #expect(try cli(["user", "list"]).output.contains("watcher\tviewer\tdisabled since "))
        Thread.sleep(forTimeInterval: 1.1)  // sessions from the second of the change are cut too
        #expect(try cli(["user", "enable", "watcher"]).status == 0)
        let again = try #require(try login("watcher", "a viewer's long password"), "enabled again")
        #expect(eventually(within: 3) { me(again) == 200 })

        // A new password: the old one and the session it opened stop working.
        #expect(try cli(["user", "passwd", "watcher"], input: "short").status == 64, "too short")
        #expect(try cli(["user", "passwd", "nobody"], input: "a long enough password").status == 1)
        #expect(try cli(["user", "passwd", "watcher"], input: "another long password").status == 0)
        #expect(eventually(within: 3) { me(again) == 401 })
        #expect(try login("watcher", "a viewer's long password") == nil)
        Thread.sleep(forTimeInterval: 1.1)
        let fresh = try #require(try login("watcher", "another long password"))
        #expect(me(fresh) == 200)

        // An API token made through the API, listed and revoked from the shell.
        let admin = try #require(try login("demo", adminPassword))
        let created = try DemoTests.call(port, "POST", "/api/tokens", token: admin, body: #"{"name":"grafana"}"#)
        let json = try JSONParser.parseObject(created.text)
        guard case .string(let apiToken)? = json["token"], case .object(let stored)? = json["apiToken"], case .string(let id)? = stored["id"] else {
            Issue.record("no token in \(created.text)")
            return
        }
        #expect(me(apiToken) == 200)
        #expect(try cli(["token", "list"]).output.contains("\(id)\tgrafana\tactive"))
        let revoked = try cli(["token", "revoke", id])
        #expect(revoked.status == 0 && revoked.output.contains("revoked"), "\(revoked.output)")
        #expect(me(apiToken) == 401, "refused on its next request")
        #expect(try cli(["token", "revoke", id]).status == 1, "revoked already")
        #expect(try cli(["token", "revoke", "nope"]).status == 1)

        // The configuration, secrets masked: a secrets file with keys in it, none of them printed.
        let secrets = directory + "/secrets.yaml"
        let webKey = "0123456789abcdef0123456789abcdef-web-signing-key"
        try """
            mode: sim
            sim:
              api_key: "sim-key-0123456789"
              api_secret: "sim-secret-which-must-never-show"
            web:
              secret_key: "\(webKey)"
            notifications:
              slack: { webhook_url: "https://hooks.slack.com/services/T1/B1/slack-token-never-shown", kinds: [fills] }
              telegram: { bot_token: "42:telegram-token-never-shown", chat_id: 7 }
            """.write(toFile: secrets, atomically: true, encoding: .utf8)
        chmod(secrets, 0o600)
        let shown = try cli(["config", "show", "--config", secrets])
        #expect(shown.status == 0 && shown.output.contains("web key:   set") && shown.output.contains("api key:   set (18 characters)")
                && shown.output.contains("runtime:   version 1"), "\(shown.output)")
        #expect(shown.output.contains(#""trading":{"symbol":"BTCUSDT""#), "the runtime configuration as saved")
        #expect(shown.output.contains("notify:    NotificationSettings(slack: fills; telegram: chat 7"), "\(shown.output)")
        for secret in [webKey, "sim-secret-which-must-never-show", "sim-key-0123456789", adminPassword, "slack-token-never-shown", "telegram-token-never-shown"] {
            #expect(!shown.output.contains(secret), "a secret was printed")
        }
    }
}
