import AlphaCore
import AlphaSettings
import AlphaStore
import ArgumentParser

/// `alphaengine config-check`: load the secrets as the bot and web would, and say what was found
/// without showing any secret.
struct ConfigCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config-check", abstract: "Validate secrets.yaml, the environment and flags; print a redacted summary.")
    @OptionGroup var options: CommonOptions

    func run() throws {
        try reportingFailures { Self.printSummary(try options.configuration()) }
    }

    /// What was found, secrets shown only as set or not.
    static func printSummary(_ configuration: EngineConfiguration) {
            let credentials = configuration.credentials
            print("exchange:  \(configuration.venue.configurationName) (\(configuration.venue.name))")
            print("mode:      \(configuration.mode.rawValue)")
            print("rest:      \(configuration.endpoints.rest)")
            print("websocket: \(configuration.endpoints.webSocket)")
            print("api key:   \(credentials.exchange.map { "set (\($0.key.count) characters)" } ?? "none")")
            print("api secret: \(credentials.exchange == nil ? "none" : "set")")
            print("web key:   \(credentials.webSecretKey == nil ? "none" : "set")")
            print("database:  \(configuration.storageDescription)")
            // Kinds and chats only: the webhook URL and the bot token are credentials.
            print("notify:    \(configuration.notifications.isEmpty ? "off" : "\(configuration.notifications)")")
    }
}

/// `alphaengine config show`: the engine configuration as `config-check` prints it, then the
/// runtime configuration in the database, with its version and who saved it.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Show the configuration.", subcommands: [Show.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The engine configuration (secrets masked) and the runtime configuration the bot runs by.")
        @OptionGroup var options: CommonOptions

        func run() throws {
            try reportingFailures {
                let (storage, configuration) = try options.openStorage(memory: .lean)
                ConfigCheck.printSummary(configuration)
                let runtime = try storage.configs.value(forKey: "runtime")
                guard let runtime else {
                    print("runtime:   none saved yet (the bot starts from the defaults)")
                    return
                }
                print("runtime:   version \(runtime.version), saved \(runtime.updatedAt?.iso8601 ?? "—") by \(runtime.updatedBy ?? "—")")
                print(runtime.value.serialized)
            }
        }
    }
}
