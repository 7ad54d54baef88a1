import AlphaSettings
import ArgumentParser

/// `alphaengine config-check`: load the secrets as the bot and web would, and say what was found
/// without showing any secret.
struct ConfigCheck: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config-check", abstract: "Validate secrets.yaml and the environment; print a redacted summary.")
    @OptionGroup var options: CommonOptions

    func run() throws {
        try reportingFailures {
            let secrets = try options.secrets()
            print("mode:      \(secrets.mode.rawValue)")
            print("rest:      \(secrets.endpoints.rest)")
            print("websocket: \(secrets.endpoints.webSocket)")
            print("api key:   \(secrets.apiKey.map { "set (\($0.count) characters)" } ?? "none")")
            print("api secret: \(secrets.apiSecret == nil ? "none" : "set")")
            print("web key:   \(secrets.webSecretKey == nil ? "none" : "set")")
            print("database:  \(databasePath(dataDirectory: options.dataDirectory, mode: secrets.mode))")
        }
    }
}
