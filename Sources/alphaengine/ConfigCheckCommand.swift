import AlphaSettings
import ArgumentParser

/// `alphaengine config-check`: load the secrets as the bot and web would, and say what was found
/// without showing any secret.
struct ConfigCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config-check", abstract: "Validate secrets.yaml, the environment and flags; print a redacted summary.")
    @OptionGroup var options: CommonOptions

    func run() throws {
        try reportingFailures {
            let configuration = try options.configuration()
            let credentials = configuration.credentials
            print("mode:      \(configuration.mode.rawValue)")
            print("rest:      \(configuration.endpoints.rest)")
            print("websocket: \(configuration.endpoints.webSocket)")
            print("api key:   \(credentials.exchange.map { "set (\($0.key.count) characters)" } ?? "none")")
            print("api secret: \(credentials.exchange == nil ? "none" : "set")")
            print("web key:   \(credentials.webSecretKey == nil ? "none" : "set")")
            print("database:  \(configuration.databasePath)")
        }
    }
}
