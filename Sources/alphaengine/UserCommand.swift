import AlphaCrypto
import AlphaStore
import ArgumentParser
import Foundation

/// `alphaengine user add NAME --role admin|viewer`: a web user, the password read from standard
/// input (one line), so it never appears in the process list or the shell's history.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage web users.", subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a web user; the password is read from standard input.")

        @OptionGroup var options: CommonOptions
        @Argument(help: "User name (letters, digits, '.', '_', '-').") var name: String
        @Option(help: "admin (commands, config) or viewer (read only).") var role: String

        func run() throws {
            try reportingFailures {
                guard role == "admin" || role == "viewer" else {
                    throw ValidationFailure("--role must be admin or viewer (got \"\(role)\")", status: 64)
                }
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw ValidationFailure("no password on standard input (give it as one line)", status: 64)
                }
                guard line.count >= 12 else { throw ValidationFailure("the password must be at least 12 characters", status: 64) }
                let (database, _) = try options.openDatabase()
                do {
                    try UserStore(database: database).add(name: name, role: role, passwordHash: PasswordHash.make(line))
                } catch let failure as UserStore.Failure {
                    throw ValidationFailure(failure.description, status: 1)
                }
                print("user \(name) added (\(role))")
            }
        }
    }
}
