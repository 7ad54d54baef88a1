import AlphaCore
import Foundation
import Testing
@testable import AlphaSettings

@Suite struct ConfigurationLoaderTests {
    let apiSecret = "S3CRETvalue0123456789abcdefABCDEF0123456789xyz"
    let webSecret = "web-secret-web-secret-web-secret-0123"

    /// Writes `text` to a fresh file with `permissions` and returns its path.
    func file(_ text: String, permissions: Int = 0o600) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("secrets.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, mode_t(permissions))
        return path
    }

    func expectError(_ expected: ConfigurationError, path: String?, environment: [String: String] = [:]) {
        do {
            _ = try ConfigurationLoader.load(path: path, environment: environment)
            Issue.record("expected \(expected)")
        } catch {
            #expect(error == expected)
            #expect(!error.description.contains(apiSecret) && !error.description.contains(webSecret),
                    "an error message must never show a secret")
        }
    }

    @Test("withdrawals: off by default; the file's allow-list and fresh-login window are read; a bad entry names its key")
    func withdrawals() throws {
        #expect(try ConfigurationLoader.load(path: try file("mode: sim\n"), environment: [:]).withdrawals == WithdrawalPolicy())
        let on = try ConfigurationLoader.load(path: try file("""
            mode: sim
            withdrawals:
              enabled: true
              fresh_login_seconds: 120
              allow:
                - { asset: USDT, address: "T123", network: TRX }
            """), environment: [:])
        #expect(on.withdrawals == WithdrawalPolicy(enabled: true, allowed: [.init(asset: "USDT", address: "T123", network: "TRX")], freshLoginSeconds: 120))
        expectError(.invalidValue(key: "withdrawals.allow[0]", reason: "asset, address and network are all required"),
                    path: try file("mode: sim\nwithdrawals:\n  allow:\n    - { asset: USDT, address: T1 }\n"))
        expectError(.invalidValue(key: "withdrawals.enabled", reason: "must be true or false"), path: try file("mode: sim\nwithdrawals:\n  enabled: \"yes\"\n"))
        let misspelt = try file("mode: sim\nwithdrawals:\n  allowlist: []\n")
        expectError(.unknownKey(path: misspelt, key: "withdrawals.allowlist"), path: misspelt)
    }

    @Test("notifications: off by default; Slack and Telegram read with their kinds; the environment gives the secrets; mistakes name the key, never the value")
    func notifications() throws {
        #expect(try ConfigurationLoader.load(path: try file("mode: sim\n"), environment: [:]).notifications.isEmpty)
        let webhook = "https://hooks.slack.com/services/T000/B000/XXXXSECRETXXXX"
        let token = "123456:AAF-secret_token"
        let loaded = try ConfigurationLoader.load(path: try file("""
            mode: sim
            notifications:
              per_minute: 10
              quiet_seconds: 60
              slack: { webhook_url: "\(webhook)", kinds: [fills, daily_pnl] }
              telegram: { bot_token: "\(token)", chat_id: -1001234567890, command_chats: [42, "43"] }
            """), environment: [:])
        let settings = loaded.notifications
        #expect(settings.perMinute == 10 && settings.quietSeconds == 60)
        #expect(settings.slack == .init(webhookURL: webhook, kinds: [.fills, .dailyPnL]))
        #expect(settings.telegram == .init(botToken: token, chatID: -1_001_234_567_890, kinds: Set(NotificationKind.allCases), commandChats: [42, 43]))
        // Printed and logged as kinds and counts only.
        #expect(!loaded.description.contains("SECRET") && !loaded.description.contains("secret_token"), "\(loaded)")
        #expect(loaded.description.contains("slack: daily_pnl,fills"), "\(loaded)")

        let fromEnvironment = try ConfigurationLoader.load(path: try file("mode: sim\n"), environment: ["ALPHAENGINE_SLACK_WEBHOOK_URL": webhook])
        #expect(fromEnvironment.notifications.slack?.webhookURL == webhook && fromEnvironment.notifications.slack?.kinds.count == 6)

        func refused(_ section: String) throws -> String {
            let path = try file("mode: sim\nnotifications:\n" + section)
            do throws(ConfigurationError) {
                _ = try ConfigurationLoader.load(path: path, environment: [:])
                return "loaded"
            } catch {
                #expect(!error.description.contains("XXXXSECRET") && !error.description.contains("secret_token"), "\(error)")
                return error.description
            }
        }
        #expect(try refused("  slack: { webhook_url: \"http://hooks.example.com/XXXXSECRET\" }\n")
            == "notifications.slack.webhook_url: must be https (http only to 127.0.0.1)")
        #expect(try refused("  slack: { webhook_url: \"https://hooks.slack.com/XXXXSECRET\", kinds: [fill] }\n")
            == "notifications.slack.kinds: 'fill' is not a kind; known: fills, drift, risk, quarantine, engine, daily_pnl")
        #expect(try refused("  slack: { kinds: [fills] }\n") == "notifications.slack.webhook_url: is required (or ALPHAENGINE_SLACK_WEBHOOK_URL)")
        #expect(try refused("  telegram: { bot_token: \"secret_token\", chat_id: 1 }\n")
            == "notifications.telegram.bot_token: is not a bot token as @BotFather gives it (digits:letters)")
        #expect(try refused("  telegram: { bot_token: \"1:secret_token\" }\n")
            == "notifications.telegram: needs chat_id (where notifications go) or command_chats (who may send commands)")
        #expect(try refused("  telegram: { bot_token: \"1:secret_token\", chat_id: \"me\" }\n")
            == "notifications.telegram.chat_id: must be a chat id (a whole number)")
        #expect(try refused("  telegram: { bot_token: \"1:secret_token\", chat: 1 }\n").hasPrefix("notifications.telegram.chat: unknown key"))
        #expect(try refused("  per_minute: 0\n") == "notifications.per_minute: must be from 1 to 600")
        #expect(try refused("  email: {}\n").contains("unknown key 'notifications.email'"))
    }

    @Test func loadsTestnetFromFile() throws {
        let path = try file("""
            mode: testnet
            testnet:
              api_key: "key123"
              api_secret: "\(apiSecret)"
            web:
              secret_key: "\(webSecret)"
            """)
        let configuration = try ConfigurationLoader.load(path: path, environment: [:])
        #expect(configuration.mode == .testnet && configuration.credentials.exchange == APIKey(key: "key123", secret: apiSecret))
        #expect(configuration.endpoints == Endpoints.defaults(for: .testnet))
        #expect(configuration.credentials.webSecretKey == webSecret)
        for text in [configuration.description, String(reflecting: configuration), String(reflecting: configuration.credentials),
                     "\(configuration.credentials.exchange!)", String(reflecting: configuration.credentials.exchange!)] {
            #expect(!text.contains(apiSecret) && !text.contains("key123") && !text.contains(webSecret), "\(text)")
        }
    }

    @Test func environmentOverridesTheFile() throws {
        let path = try file("""
            mode: testnet
            testnet: { api_key: "file-key", api_secret: "file-secret" }
            web: { secret_key: "\(webSecret)" }
            """)
        let configuration = try ConfigurationLoader.load(path: path, environment: [
            "ALPHAENGINE_TESTNET_API_SECRET": "env-secret", "ALPHAENGINE_REST_URL": "https://example.test",
        ])
        #expect(configuration.credentials.exchange == APIKey(key: "file-key", secret: "env-secret"))
        #expect(configuration.endpoints.rest == "https://example.test")
        // Production from the environment alone, with no file at all.
        let production = try ConfigurationLoader.load(path: nil, environment: [
            "ALPHAENGINE_MODE": "production", "ALPHAENGINE_PRODUCTION_API_KEY": "k",
            "ALPHAENGINE_PRODUCTION_API_SECRET": "s", "ALPHAENGINE_WEB_SECRET_KEY": webSecret,
        ])
        #expect(production.mode == .production && production.endpoints.rest == "https://fapi.binance.com")
    }

    @Test func simNeedsNoKeys() throws {
        let configuration = try ConfigurationLoader.load(path: try file("mode: sim\n"), environment: [:])
        #expect(configuration.mode == .sim && configuration.credentials.exchange == nil && configuration.credentials.webSecretKey == nil)
        #expect(try ConfigurationLoader.load(path: nil, environment: [:]).mode == .sim)
    }

    @Test("the simulator's keys come from the environment or the file's sim section; half a pair is refused")
    func simKeys() throws {
        let fromEnvironment = try ConfigurationLoader.load(path: nil, environment: [
            "ALPHAENGINE_SIM_API_KEY": "sim-key", "ALPHAENGINE_SIM_API_SECRET": apiSecret,
        ])
        #expect(fromEnvironment.credentials.exchange == APIKey(key: "sim-key", secret: apiSecret))
        let path = try file("mode: sim\nsim: { api_key: file-key, api_secret: file-secret }\n")
        let overridden = try ConfigurationLoader.load(path: path, environment: ["ALPHAENGINE_SIM_API_KEY": "env-key"])
        #expect(overridden.credentials.exchange == APIKey(key: "env-key", secret: "file-secret"))
        expectError(.missingCredential(key: "sim.api_secret", environmentVariable: "ALPHAENGINE_SIM_API_SECRET", mode: .sim),
                    path: nil, environment: ["ALPHAENGINE_SIM_API_KEY": "sim-key"])
    }

    @Test("the data directory: the file's data_dir, then ALPHAENGINE_DATA_DIR, then --data-dir; each mode its own database")
    func dataDirectoryPrecedence() throws {
        #expect(try ConfigurationLoader.load(path: nil, environment: [:]).dataDirectory == "data")
        let path = try file("mode: sim\ndata_dir: /srv/from-file\n")
        #expect(try ConfigurationLoader.load(path: path, environment: [:]).databasePath == "/srv/from-file/alphaengine-sim.db")
        let environment = ["ALPHAENGINE_DATA_DIR": "/srv/from-env"]
        #expect(try ConfigurationLoader.load(path: path, environment: environment).dataDirectory == "/srv/from-env")
        let flagged = try ConfigurationLoader.load(path: path, environment: environment,
                                                   flags: EngineConfiguration.Flags(dataDirectory: "/srv/from-flag"))
        #expect(flagged.dataDirectory == "/srv/from-flag")
        expectError(.notAString(key: "data_dir"), path: try file("data_dir: [a]\n"))
    }

    @Test("--cors-origin adds to web.cors_origins, checked by the same rule")
    func corsOriginFlags() throws {
        let path = try file("mode: sim\nweb:\n  cors_origins: [\"https://dash.example.com\"]\n")
        let flags = EngineConfiguration.Flags(webCORSOrigins: ["http://127.0.0.1:5173", "https://dash.example.com"])
        #expect(try ConfigurationLoader.load(path: path, environment: [:], flags: flags).webCORSOrigins
                == ["https://dash.example.com", "http://127.0.0.1:5173"])
        do {
            _ = try ConfigurationLoader.load(path: path, environment: [:], flags: EngineConfiguration.Flags(webCORSOrigins: ["https://x.example/app"]))
            Issue.record("a path in --cors-origin was accepted")
        } catch {
            #expect(error == .invalidEndpoint(key: "--cors-origin", reason: "each entry must be an origin such as https://dash.example.com (no path)"))
        }
    }

    @Test func refusesAMissingFile() {
        expectError(.missingFile(path: "/nonexistent/secrets.yaml"), path: "/nonexistent/secrets.yaml")
        #expect(ConfigurationError.missingFile(path: "x").description.contains("chmod 600"))
    }

    @Test func refusesGroupOrWorldReadableFiles() throws {
        for permissions in [0o640, 0o644, 0o604, 0o660] {
            let path = try file("mode: sim\n", permissions: permissions)
            expectError(.tooOpen(path: path, permissions: String(permissions, radix: 8)), path: path)
        }
        _ = try ConfigurationLoader.load(path: try file("mode: sim\n", permissions: 0o400), environment: [:])
    }

    @Test func refusesAnUnreadableFile() throws {
        guard getuid() != 0 else { return } // root reads anything; the check is for real deployments
        let path = try file("mode: sim\n", permissions: 0o000)
        expectError(.unreadable(path: path, reason: "Permission denied"), path: path)
    }

    @Test func namesTheMissingKeyAndItsVariable() throws {
        let path = try file("""
            mode: production
            production: { api_key: "k" }
            web: { secret_key: "\(webSecret)" }
            """)
        expectError(.missingCredential(key: "production.api_secret", environmentVariable: "ALPHAENGINE_PRODUCTION_API_SECRET",
                                       mode: .production), path: path)
        let noWeb = try file("""
            mode: testnet
            testnet: { api_key: "k", api_secret: "\(apiSecret)" }
            """)
        expectError(.missingCredential(key: "web.secret_key", environmentVariable: "ALPHAENGINE_WEB_SECRET_KEY", mode: .testnet),
                    path: noWeb)
    }

    @Test func refusesShortWebSecretsTyposAndBadModes() throws {
        expectError(.webSecretTooShort(key: "web.secret_key", bytes: 5), path: try file("web: { secret_key: \"short\" }\n"))
        let typo = try file("mode: testnet\ntesnet: { api_key: k }\n")
        expectError(.unknownKey(path: typo, key: "tesnet"), path: typo)
        let typoInside = try file("testnet: { api_secrte: \"\(apiSecret)\" }\n")
        expectError(.unknownKey(path: typoInside, key: "testnet.api_secrte"), path: typoInside)
        let mode = try file("mode: live\n")
        expectError(.unknownMode("live", source: mode), path: mode)
        expectError(.unknownMode("paper", source: "ALPHAENGINE_MODE"), path: nil, environment: ["ALPHAENGINE_MODE": "paper"])
        let http = try file("""
            mode: production
            production: { api_key: k, api_secret: s, rest_url: "http://insecure.example" }
            web: { secret_key: "\(webSecret)" }
            """)
        expectError(.invalidEndpoint(key: "production.rest_url", reason: "scheme must be https"), path: http)
    }

    @Test func yamlErrorsGiveThePositionButNotTheLine() throws {
        let path = try file("mode: testnet\ntestnet:\n  api_secret: \"\(apiSecret)\n  api_key: [unclosed\n")
        do {
            _ = try ConfigurationLoader.load(path: path, environment: [:])
            Issue.record("expected a YAML error")
        } catch {
            guard case .invalidYAML(let reported, let line, _) = error else { Issue.record("got \(error)"); return }
            #expect(reported == path && line != nil)
            #expect(!error.description.contains(apiSecret))
        }
    }

    @Test func corsOriginsAreOriginsOnly() throws {
        let good = try file("mode: sim\nweb:\n  cors_origins: [\"https://dash.example.com\", \"http://127.0.0.1:5173\"]\n")
        #expect(try ConfigurationLoader.load(path: good, environment: [:]).webCORSOrigins == ["https://dash.example.com", "http://127.0.0.1:5173"])
        #expect(try ConfigurationLoader.load(path: try file("mode: sim\n"), environment: [:]).webCORSOrigins.isEmpty, "off by default")
        let reason = "each entry must be an origin such as https://dash.example.com (no path)"
        for bad in ["[\"https://dash.example.com/app\"]", "[\"ftp://x.example\"]", "[\"*\"]", "[7]"] {
            expectError(.invalidEndpoint(key: "web.cors_origins", reason: reason),
                        path: try file("mode: sim\nweb:\n  cors_origins: \(bad)\n"))
        }
        expectError(.invalidEndpoint(key: "web.cors_origins", reason: "must be a list of origins"),
                    path: try file("mode: sim\nweb:\n  cors_origins: https://dash.example.com\n"))
    }

    @Test("config/secrets.example.yaml loads as written (mode sim)")
    func exampleLoads() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/secrets.example.yaml")
        let configuration = try ConfigurationLoader.load(path: try file(String(contentsOf: example, encoding: .utf8)), environment: [:])
        #expect(configuration.mode == .sim && configuration.dataDirectory == "data" && configuration.credentials.exchange == nil)
    }

    @Test func eachModeHasItsOwnDatabase() {
        let paths = TradingMode.allCases.map { databasePath(dataDirectory: "/var/lib/alphaengine/", mode: $0) }
        #expect(paths == ["/var/lib/alphaengine/alphaengine-production.db", "/var/lib/alphaengine/alphaengine-testnet.db",
                          "/var/lib/alphaengine/alphaengine-sim.db"])
    }

    @Test("exchange: upbit takes Upbit's endpoints (the simulator on 9902), its keys and a database of its own; it has no testnet; a misspelt exchange is named")
    func upbitExchange() throws {
        let sim = try ConfigurationLoader.load(path: try file("exchange: upbit\nmode: sim\n"), environment: [:])
        #expect(sim.venue == .upbitKRW && sim.endpoints == Endpoints(rest: "http://127.0.0.1:9902", webSocket: "ws://127.0.0.1:9902"))
        #expect(sim.databasePath == "data/alphaengine-upbit-sim.db")
        let production = try ConfigurationLoader.load(path: try file("""
            exchange: upbit
            mode: production
            production: { api_key: "access", api_secret: "\(apiSecret)" }
            web: { secret_key: "\(webSecret)" }
            """), environment: [:])
        #expect(production.venue == .upbitKRW && production.endpoints.rest == "https://api.upbit.com")
        #expect(production.credentials.exchange == APIKey(key: "access", secret: apiSecret))
        #expect(production.databasePath == "data/alphaengine-upbit-production.db")
        // The environment chooses too, over the file; Binance stays the default and keeps its file names.
        #expect(try ConfigurationLoader.load(path: try file("mode: sim\n"), environment: ["ALPHAENGINE_EXCHANGE": "upbit"]).venue == .upbitKRW)
        #expect(try ConfigurationLoader.load(path: try file("mode: sim\n"), environment: [:]).databasePath == "data/alphaengine-sim.db")
        expectError(.noTestnet(exchange: "upbit"), path: try file("exchange: upbit\nmode: testnet\n"))
        let misspelt = try file("exchange: upbits\nmode: sim\n")
        expectError(.unknownExchange("upbits", source: misspelt), path: misspelt)
        #expect(ConfigurationError.noTestnet(exchange: "upbit").description.contains("alphaengine sim --venue upbit"))
    }
}
