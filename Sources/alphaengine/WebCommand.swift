import AlphaCore
import AlphaCrypto
import AlphaHTTP
import AlphaSettings
import AlphaStore
import AlphaSystem
import AlphaWeb
import ArgumentParser
import Foundation
import Logging

/// `alphaengine web`: the JSON API, the SSE stream, /metrics and the SPA, over the database the
/// bot writes. Stops cleanly on SIGINT or SIGTERM (in-flight requests finish, streams close).
struct WebCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "web", abstract: "Serve the dashboard API (/api), its event stream and the SPA.")

    @OptionGroup var options: CommonOptions

    @Option(help: "Address to listen on (behind nginx: 127.0.0.1).") var host = "127.0.0.1"
    @Option(help: "Port (0 picks a free one).") var port: UInt16 = 8080
    @Option(name: .customLong("cors-origin"), help: "An origin allowed to call the API from a browser, e.g. https://dash.example.com (repeatable; added to web.cors_origins in secrets.yaml; default none).")
    var corsOrigins: [String] = []
    @Option(help: "Lifetime of a login's access token, in seconds.") var tokenTtl: Int64 = 3600
    @Flag(help: "Take the client address from X-Forwarded-For (only behind a proxy you run).") var trustForwardedFor = false
    @Option(help: "The OpenAPI document to serve (default: openapi.yaml here or beside the executable's checkout).") var openapi: String?
    @Option(name: .customLong("public"), help: "The SPA's directory (default: Public if it exists).") var publicDirectory: String?
    @Option(name: .customLong("chart-js"), help: "Chart.js's directory, served at /vendor/chart.js/ (default: Debian's libjs-chart.js, \(Self.debianChartJS), if installed).")
    var chartJSDirectory: String?
    @Option(help: "Event loops (default: one per core).") var eventLoops: Int?
    @Option(help: "Worker threads for database work.") var workers = 4
    @Option(help: "Log lines as text (for a person) or json (one object a line, for journald).") var logFormat: LogFormat = .text

    func validate() throws {
        guard (60...86_400).contains(tokenTtl) else { throw ValidationError("--token-ttl must be from 60 to 86400 seconds") }
        guard (1...64).contains(workers) else { throw ValidationError("--workers must be from 1 to 64") }
    }

    func run() throws {
        try reportingFailures {
            // One line per log event on stderr, as the bot writes them.
            let levels = LogLevelSwitch(.info)
            LoggingSystem.bootstrap { [logFormat] label in LineLogHandler(process: "web", component: label, levels: levels, format: logFormat) }
            let announce = options.announcer(process: "web", format: logFormat)
            let shutdown = try ShutdownSignal()
            // --cors-origin is checked and added to web.cors_origins with the rest of the configuration.
            // Opened once here, so a store that cannot be reached or migrated stops the start with its reason.
            let (_, configuration) = try options.openStorage(memory: .lean, corsOrigins: corsOrigins)
            let secret = try webSecret(configuration)
            let document = try openAPIDocument()
            var settings = WebSettings(storage: configuration.backend, mode: configuration.mode, openAPIDocument: document)
            settings.http.host = host
            settings.http.port = port
            if let eventLoops { settings.http.eventLoops = eventLoops }
            settings.http.workerThreads = workers
            settings.corsOrigins = Set(configuration.webCORSOrigins)
            settings.tokenLifetimeSeconds = tokenTtl
            settings.trustForwardedFor = trustForwardedFor
            settings.withdrawals = configuration.withdrawals
            settings.publicDirectory = try directory(publicDirectory, default: "Public", option: "--public")
            if let chart = try directory(chartJSDirectory, default: Self.debianChartJS, option: "--chart-js") {
                settings.vendorDirectories["chart.js"] = chart
            }
            // One web for several accounts: each on its own schema of the one database, under /api/accounts/<name>/.
            var accounts = [settings]
            if let url = configuration.credentials.storageURL, !configuration.servedAccounts.isEmpty {
                accounts = configuration.servedAccounts.map { served in
                    var each = settings
                    each.storage = PostgresBackend(url: url, venue: served.venue, account: served.name)
                    each.mode = served.mode
                    each.account = served.name
                    return each
                }
                announce("accounts: " + configuration.servedAccounts.map { "\($0.name) (\($0.venue.configurationName), \($0.mode.rawValue))" }.joined(separator: ", "))
            }
            let app = try WebApp(accounts: accounts, secret: secret)
            do {
                try app.start()
            } catch {
                throw ValidationFailure("cannot listen on \(host):\(port): \(error)", status: 1)
            }
            announce("listening on http://\(host):\(app.port) (\(configuration.mode.rawValue))")
            while shutdown.wait(milliseconds: 1000) == nil {}
            app.stop()
            announce("stopped")
        }
    }

    static let debianChartJS = "/usr/share/javascript/chart.js"

    /// `given` if it is a directory (else an error naming `option`); without it, `fallback` if
    /// that is one; else nil (no SPA; for Chart.js, the dashboard says its charts are missing).
    private func directory(_ given: String?, default fallback: String, option: String) throws -> String? {
        var isDirectory: ObjCBool = false
        let path = given ?? fallback
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return path }
        if given != nil { throw ValidationFailure("\(option) \(path) is not a directory", status: 64) }
        return nil
    }

    /// The token-signing key from secrets.yaml or the environment. In sim mode without one, a
    /// random key is made once and kept beside the database (mode 0600), so sign-ins survive restarts.
    private func webSecret(_ configuration: EngineConfiguration) throws -> [UInt8] {
        if let key = configuration.credentials.webSecretKey { return Array(key.utf8) }
        guard configuration.mode == .sim else {
            throw ValidationFailure("configuration: web.secret_key (or ALPHAENGINE_WEB_SECRET_KEY) is required in \(configuration.mode.rawValue) mode", status: 78)
        }
        let path = (configuration.dataDirectory as NSString).appendingPathComponent("web-secret.key")
        if let existing = FileManager.default.contents(atPath: path), existing.count >= 32 { return Array(existing) }
        let key = Array(Hex.encode(SecureRandom.bytes(32)).utf8)
        guard FileManager.default.createFile(atPath: path, contents: Data(key), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationFailure("cannot write \(path)", status: 1)
        }
        return key
    }

    private func openAPIDocument() throws -> [UInt8] {
        var candidates = [openapi ?? "openapi.yaml"]
        if openapi == nil {
            // From .build/<config>/alphaengine up to the checkout's root.
            var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(directory.appendingPathComponent("openapi.yaml").path)
                directory = directory.deletingLastPathComponent()
            }
        }
        for path in candidates {
            if let data = FileManager.default.contents(atPath: path) { return Array(data) }
        }
        throw ValidationFailure("cannot find the OpenAPI document (looked at \(candidates.joined(separator: ", "))); pass --openapi PATH", status: 66)
    }
}
