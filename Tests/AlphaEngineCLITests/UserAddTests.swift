import AlphaCrypto
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// `alphaengine user add` as an operator runs it: the password on standard input.
@Suite struct UserAddTests {
    func run(_ arguments: [String], input: String, in directory: URL) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = BuiltExecutable.url("alphaengine")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ["PATH": "/usr/bin:/bin"]
        let stdin = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = stdin
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    @Test("adds a user with a salted PBKDF2 hash; refuses a taken name, a bad role, a short or missing password — never echoing it")
    func addUser() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("alphaengine-user-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let password = "a long enough passphrase"

        let added = try run(["user", "add", "ana", "--role", "admin"], input: password + "\n", in: directory)
        #expect(added.status == 0, "\(added.errors)")
        #expect(added.output.contains("user ana added (admin)"))
        let stored = try #require(try UserStore(database: try Database.openMigrated(path: directory.path + "/data/alphaengine-sim.db")).user(named: "ana"))
        #expect(stored.role == "admin")
        #expect(stored.passwordHash.hasPrefix("pbkdf2-sha256$600000$"))
        #expect(PasswordHash.verify(password, against: stored.passwordHash))

        let again = try run(["user", "add", "ana", "--role", "viewer"], input: "another long passphrase\n", in: directory)
        #expect(again.status == 1 && again.errors.contains("exists already"))
        let badRole = try run(["user", "add", "bo", "--role", "root"], input: password + "\n", in: directory)
        #expect(badRole.status == 64 && badRole.errors.contains("--role must be admin or viewer"))
        let short = try run(["user", "add", "bo", "--role", "viewer"], input: "short\n", in: directory)
        #expect(short.status == 64 && short.errors.contains("at least 12 characters") && !short.errors.contains("short\n"))
        let none = try run(["user", "add", "bo", "--role", "viewer"], input: "", in: directory)
        #expect(none.status == 64 && none.errors.contains("no password"))
        let badName = try run(["user", "add", "bo b", "--role", "viewer"], input: password + "\n", in: directory)
        #expect(badName.status == 1 && badName.errors.contains("not a valid user name"))
        for result in [added, again, badRole, short, none, badName] { #expect(!(result.output + result.errors).contains(password)) }
    }
}
