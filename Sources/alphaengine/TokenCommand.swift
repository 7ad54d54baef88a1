import AlphaCore
import AlphaStore
import ArgumentParser
import Foundation

/// `alphaengine token list|revoke`: the read-only API tokens third-party dashboards use (an admin
/// creates them through the API). A revoked token is refused on its next request.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "List and revoke read-only API tokens.",
                                                    subcommands: [List.self, Revoke.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every API token: its id, name, who made it, when last used, whether revoked.")
        @OptionGroup var options: CommonOptions

        func run() throws {
            try reportingFailures {
                let (storage, _) = try options.openStorage(memory: .lean)
                let tokens = try storage.apiTokens.all()
                if tokens.isEmpty { print("no API tokens") }
                for token in tokens {
                    let state = token.revokedAt.map { "revoked \($0.iso8601)" } ?? "active"
                    print("\(token.id)\t\(token.name)\t\(state)\tby \(token.createdBy) \(token.createdAt.iso8601)\t"
                        + "last used \(token.lastUsedAt?.iso8601 ?? "never")")
                }
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API token by its id: refused from its next request on.")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The token's id (alphaengine token list).") var id: String

        func run() throws {
            try reportingFailures {
                let (storage, _) = try options.openStorage(memory: .lean)
                guard let token = try storage.apiTokens.token(id: id) else { throw ValidationFailure("no API token with id \(id)", status: 1) }
                guard token.revokedAt == nil else { throw ValidationFailure("\(id) (\(token.name)) was revoked already", status: 1) }
                _ = try storage.apiTokens.revoke(id: id, now: .now())
                print("\(id) (\(token.name)) revoked")
            }
        }
    }
}
