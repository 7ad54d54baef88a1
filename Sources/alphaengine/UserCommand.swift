import AlphaCrypto
import AlphaStore
import ArgumentParser
import Foundation

/// `alphaengine user add NAME --role admin|viewer`: a web user, the password read from standard
/// input (one line), so it never appears in the process list or the shell's history.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage web users.",
                                                    subcommands: [Add.self, List.self, Passwd.self, Disable.self, Enable.self])

    /// Disables or enables `name`; a name no user has is refused.
    static func setDisabled(_ name: String, _ disabled: Bool, _ options: CommonOptions) throws {
        let (storage, _) = try options.openStorage(memory: .lean)
        guard try storage.users.setDisabled(name: name, disabled, now: .now()) else {
            throw ValidationFailure("no user named \(name) (alphaengine user list)", status: 1)
        }
    }

    /// A password from standard input: one line, at least 12 characters.
    static func passwordFromStandardInput() throws -> String {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw ValidationFailure("no password on standard input (give it as one line)", status: 64)
        }
        guard line.count >= 12 else { throw ValidationFailure("the password must be at least 12 characters", status: 64) }
        return line
    }

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
                let line = try UserCommand.passwordFromStandardInput()
                let (storage, _) = try options.openStorage(memory: .lean)
                do {
                    try storage.users.add(name: name, role: role, passwordHash: PasswordHash.make(line))
                } catch let failure as UserStore.Failure {
                    throw ValidationFailure(failure.description, status: 1)
                }
                print("user \(name) added (\(role))")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the web users, their role and whether they may sign in.")
        @OptionGroup var options: CommonOptions

        func run() throws {
            try reportingFailures {
                let (storage, _) = try options.openStorage(memory: .lean)
                let users = try storage.users.all()
                if users.isEmpty { print("no users; add one with alphaengine user add NAME --role admin") }
                for user in users {
                    let state = user.disabledAt.map { "disabled since \($0.iso8601)" } ?? "active"
                    print("\(user.name)\t\(user.role)\t\(state)\tadded \(user.createdAt.iso8601)")
                }
            }
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's password (read from standard input); every session signed in before ends within a second.")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The user.") var name: String

        func run() throws {
            try reportingFailures {
                let password = try UserCommand.passwordFromStandardInput()
                let (storage, _) = try options.openStorage(memory: .lean)
                guard try storage.users.setPassword(name: name, passwordHash: PasswordHash.make(password), now: .now()) else {
                    throw ValidationFailure("no user named \(name) (alphaengine user list)", status: 1)
                }
                print("password of \(name) changed; their earlier sessions are signed out")
            }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a user signing in; their sessions end within a second.")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The user.") var name: String

        func run() throws {
            try reportingFailures {
                try UserCommand.setDisabled(name, true, options)
                print("\(name) disabled: signed out, and no new sign-in until enabled")
            }
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a disabled user sign in again.")
        @OptionGroup var options: CommonOptions
        @Argument(help: "The user.") var name: String

        func run() throws {
            try reportingFailures {
                try UserCommand.setDisabled(name, false, options)
                print("\(name) enabled")
            }
        }
    }
}
