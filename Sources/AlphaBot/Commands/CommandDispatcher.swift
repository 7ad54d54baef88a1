import AlphaCore
import AlphaExchange
import AlphaStore

/// Carries out a kind of command: the order executor, the engine controls, the reconciler.
public protocol CommandHandler: AnyObject {
    /// Settles the claimed (SENT) command, or leaves it SENT to be taken up later.
    func handle(_ command: Command, _ time: KernelTime) throws -> Command
}

/// Claims commands (user first, oldest first) and hands each to the one handler its type is
/// registered for: one table, so which commands need the exchange is said once, where the
/// handler is registered. While the venue asks us to wait, only commands that need no request
/// are claimed.
public final class CommandDispatcher: BotComponent {
    public let name = "commands"
    private let commands: any CommandQueue
    private let changes: any ChangeFeed
    private let pacer: any RequestPacer
    private var handlers: [CommandType: any CommandHandler] = [:]
    private var exchangeCommands: Set<CommandType> = []
    private var lastClaim: Int64 = .min
    /// Whether the last claim found a command (then the next turn claims again at once).
    private var backlog = true
    /// Claiming takes the write lock, so it runs when another connection (the web) committed, or
    /// at least this often (a pacer that reopened leaves waiting commands behind).
    public var claimIntervalMilliseconds: Int64 = 250

    public init(commands: any CommandQueue, changes: any ChangeFeed, pacer: any RequestPacer) {
        self.commands = commands
        self.changes = changes
        self.pacer = pacer
    }

    /// Registers `handler` for `types`; `needsExchange` holds them back while the pacer is closed.
    /// A type has one handler: taking one over from another must be said (`replacing`).
    public func register(_ handler: any CommandHandler, for types: [CommandType], needsExchange: Bool, replacing: Bool = false) {
        for type in types {
            precondition(replacing || handlers[type] == nil, "\(type.rawValue) has two handlers")
            handlers[type] = handler
            if needsExchange { exchangeCommands.insert(type) }
        }
    }

    /// Told the command about to be handled, then nil once it is: the process puts its
    /// correlation id on what is logged meanwhile (the loop handles one command at a time).
    public var commandInHand: ((Command?) -> Void)?

    /// Another component of this process inserted commands (the strategy runner): a write on our
    /// own connection moves no change feed, so say it, and the next turn claims at once.
    public func queued() { backlog = true }

    /// One command per turn, so the stream and the heartbeat run between commands.
    public func tick(_ time: KernelTime) throws -> Bool {
        let changed = try changes.hasChanged()
        guard backlog || changed || time.monotonic - lastClaim >= claimIntervalMilliseconds else { return false }
        lastClaim = time.monotonic
        let excluded = pacer.closure(now: time.monotonic) == nil ? [] : exchangeCommands
        guard let command = try commands.claimNext(excluding: excluded, now: time.now) else {
            backlog = false
            return false
        }
        backlog = true
        guard let handler = handlers[command.type] else {
            _ = try commands.fail(command.id, error: "\(command.type.rawValue) is not supported by this bot yet")
            return true
        }
        commandInHand?(command)
        defer { commandInHand?(nil) }
        _ = try handler.handle(command, time)
        return true
    }
}
