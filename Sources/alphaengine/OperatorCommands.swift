import AlphaCore
import AlphaNotify
import AlphaStore
import ArgumentParser
import Foundation

/// The operator console (issue 17): a person on the server sees the engine's state and acts on it
/// with the same commands the web inserts — the bot carries them out, and each command's outcome
/// is printed when it settles. Nothing here talks to the exchange.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "The engine, the bot, positions, balances and quarantines.")
    @OptionGroup var options: CommonOptions

    func run() throws {
        try reportingFailures {
            let (storage, configuration) = try options.openStorage(memory: .lean)
            print("mode:        \(configuration.mode.rawValue) (\(configuration.storageDescription))")
            for line in try StatusReport.lines(storage, now: .now()) {
                print("\(line.label):".padding(toLength: 13, withPad: " ", startingAt: 0) + line.text)
            }
        }
    }
}

/// What every acting console command shares: where the store is, how long to wait for the bot,
/// and how a command is queued and followed.
struct ConsoleOptions: ParsableArguments {
    @OptionGroup var options: CommonOptions
    @Option(help: "Seconds to wait for the bot to carry the command out (0: queue it and return).") var wait = 30

    /// Queues `type` as the user at this terminal and prints its fate; exits 1 when it FAILED and
    /// 75 when the bot has not taken it up within the wait (it stays queued).
    func send(_ type: CommandType, _ payload: JSONObject = [:]) throws {
        let (storage, configuration) = try options.openStorage(memory: .lean)
        do throws(CommandPayloadError) {
            _ = try CommandRequest(type: type, payload: payload, venue: configuration.venue)
        } catch {
            throw ValidationFailure("\(type.rawValue): \(error)", status: 64)
        }
        let user = ProcessInfo.processInfo.environment["SUDO_USER"] ?? ProcessInfo.processInfo.environment["USER"] ?? "operator"
        let command = Command(type: type, actor: Actor(kind: .user, id: "cli:\(user)"), scope: Scope(on: configuration.venue, mode: configuration.mode),
                              payload: payload)
        let queued = try storage.commands.insert(command).command
        print("\(type.rawValue): queued as \(queued.id)")
        let deadline = Date().addingTimeInterval(TimeInterval(wait))
        var current = queued
        while current.status != .acknowledged && current.status != .failed && Date() < deadline {
            usleep(100_000)
            current = try storage.commands.command(id: queued.id) ?? current
        }
        switch current.status {
        case .acknowledged:
            print("\(type.rawValue): ACK" + (current.result.map { $0.members.isEmpty ? "" : " \($0.serialized)" } ?? ""))
        case .failed:
            throw ValidationFailure("\(type.rawValue): FAILED — \(current.lastError ?? "no reason given")", status: 1)
        default:
            throw ValidationFailure("\(type.rawValue): still \(current.status.rawValue) after \(wait) s — is the bot running? "
                + "It stays queued and runs when the bot does (alphaengine status).", status: 75)
        }
    }

    /// `symbol`, or the runtime configuration's trading symbol.
    func symbol(_ given: String?) throws -> String {
        if let given { return given }
        let (storage, _) = try options.openStorage(memory: .lean)
        return try storage.configs.runtime().value.symbol
    }
}

struct PauseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Pause the engine: no new orders from the strategy or users.")
    @OptionGroup var console: ConsoleOptions
    @Option(help: "Why, for the audit trail.") var reason: String?

    func run() throws {
        try reportingFailures { try console.send(.pauseEngine, reason.map { ["reason": .string($0)] } ?? [:]) }
    }
}

struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused engine.")
    @OptionGroup var console: ConsoleOptions
    @Option(help: "Why, for the audit trail.") var reason: String?

    func run() throws {
        try reportingFailures { try console.send(.resumeEngine, reason.map { ["reason": .string($0)] } ?? [:]) }
    }
}

struct CancelAllCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel-all", abstract: "Cancel every open order on a symbol.")
    @OptionGroup var console: ConsoleOptions
    @Option(help: "The symbol (default: the runtime configuration's trading.symbol).") var symbol: String?

    func run() throws {
        try reportingFailures { try console.send(.cancelAll, ["symbol": .string(try console.symbol(symbol))]) }
    }
}

struct CloseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "close", abstract: "Cancel a symbol's open orders and close its position at the market.")
    @OptionGroup var console: ConsoleOptions
    @Option(help: "The symbol (default: the runtime configuration's trading.symbol).") var symbol: String?
    @Flag(help: "Say yes: this sends a market order.") var yes = false

    func run() throws {
        try reportingFailures {
            let symbol = try console.symbol(symbol)
            guard yes else { throw ValidationFailure("close sends a market order on \(symbol); add --yes to mean it", status: 64) }
            try console.send(.closePosition, ["symbol": .string(symbol)])
        }
    }
}
