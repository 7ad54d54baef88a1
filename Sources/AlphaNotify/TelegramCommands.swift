import AlphaCore
import AlphaExchange
import AlphaJSON
import AlphaStore
import AlphaSystem
import Foundation
import Logging

/// Telegram the other way (seed 004): /status, /pnl, /pause and /resume from the chats in
/// `command_chats` become answers, or commands in the same store the web and the console use
/// (the bot carries them out and the answer says how they ended). A message from any other chat
/// is ignored — not even a reply, so a stranger learns nothing — and logged.
///
/// It long-polls getUpdates on its own thread. The offset of the next update is kept in the
/// database after each one is handled, and each command's idempotency key is its update's id, so
/// a restart neither loses nor repeats a command.
// Unchecked: built on the caller's thread, then used by the one thread `NotificationService` starts.
public final class TelegramCommands: @unchecked Sendable {
    static let cursor = "telegram_updates"

    private let settings: NotificationSettings.Telegram
    private let storage: any Storage
    private let transport: any NotificationTransport
    private let clock: any Clock
    private let mode: TradingMode
    private let log: Logger
    private var failures = RepeatedFailureLog()
    /// How long a /pause or /resume waits for the bot's outcome before answering "queued".
    public var outcomeWaitMilliseconds: Int64 = 5_000

    /// `transport` must allow a request `pollSeconds` long and more.
    public init(settings: NotificationSettings.Telegram, storage: any Storage, transport: any NotificationTransport, clock: any Clock,
                mode: TradingMode, log: Logger) {
        self.settings = settings
        self.storage = storage
        self.transport = transport
        self.clock = clock
        self.mode = mode
        self.log = log
    }

    private var api: String { "\(settings.apiURL)/bot\(settings.botToken)" }

    public func run(until shouldStop: () -> Bool) {
        while !shouldStop() {
            do {
                try poll()
                failures.succeeded(log)
            } catch {
                failures.failed("telegram getUpdates", error, log)
                clock.sleep(milliseconds: 2_000)  // the Bot API is down or refuses: no busy loop
            }
        }
    }

    /// One getUpdates (waiting up to `pollSeconds` for a message), every update in it handled.
    public func poll() throws {
        let offset = try storage.notifications.cursor(Self.cursor) ?? 0
        let request: JSONObject = ["offset": .int(offset), "timeout": .int(Int64(settings.pollSeconds)), "allowed_updates": .array(["message"])]
        let response = try transport.post(url: "\(api)/getUpdates", body: Array(request.serialized.utf8))
        let answer = try JSONParser.parseObject(String(decoding: response.body, as: UTF8.self))
        guard response.status == 200, (try? answer.bool("ok")) == true, case .array(let updates)? = answer["result"] else {
            throw TelegramError(description: "getUpdates answered HTTP \(response.status): \((try? answer.optionalString("description")) ?? "no description")")
        }
        for case .object(let update) in updates {
            let id = try update.int64("update_id")
            if case .object(let message)? = update["message"] { try handle(message, updateID: id) }
            try storage.notifications.setCursor(Self.cursor, to: id + 1)
        }
    }

    struct TelegramError: Error, CustomStringConvertible { let description: String }

    private func handle(_ message: JSONObject, updateID: Int64) throws {
        guard let chat = try? message.object("chat").int64("id") else { return }
        guard settings.commandChats.contains(chat) else {
            log.warning("telegram: ignored a message from a chat not in command_chats", metadata: ["chat": "\(chat)"])
            return
        }
        let text = ((try? message.optionalString("text")) ?? "").trimmingCharacters(in: .whitespaces)
        // "/pause@AlphaEngineBot" in a group names the bot it is for.
        let word = text.split(separator: " ").first.map { String($0.split(separator: "@").first ?? "") }?.lowercased() ?? ""
        let reply: String
        switch word {
        case "/status":
            reply = try StatusReport.lines(storage, now: clock.now).map { "<b>\(escape($0.label))</b>: \(escape($0.text))" }.joined(separator: "\n")
        case "/pnl":
            let state = try storage.projections.load(recentTerminalOrders: 0)
            reply = "<b>Today (UTC)</b>: \(escape(StatusReport.today(state, now: clock.now)))"
        case "/pause":
            reply = try command(.pauseEngine, chat: chat, updateID: updateID)
        case "/resume":
            reply = try command(.resumeEngine, chat: chat, updateID: updateID)
        default:
            reply = "I know /status, /pnl, /pause and /resume."
        }
        send(reply, to: chat)
    }

    /// Queues the command as this chat's and waits a little for the bot's outcome.
    private func command(_ type: CommandType, chat: Int64, updateID: Int64) throws -> String {
        let command = Command(type: type, actor: Actor(kind: .user, id: "telegram:\(chat)"), scope: Scope(on: storage.venue, mode: mode),
                              idempotencyKey: "telegram:\(updateID)")
        let queued = try storage.commands.insert(command).command
        log.notice("telegram: command queued", metadata: ["type": "\(type.rawValue)", "command": "\(queued.id)", "chat": "\(chat)"])
        let deadline = clock.monotonicMilliseconds + outcomeWaitMilliseconds
        var current = queued
        while current.status != .acknowledged, current.status != .failed, clock.monotonicMilliseconds < deadline {
            clock.sleep(milliseconds: 100)
            current = try storage.commands.command(id: queued.id) ?? current
        }
        return switch current.status {
        case .acknowledged: "\(type.rawValue): done. The engine is \(try engineState())."
        case .failed: "\(type.rawValue): failed — \(escape(current.lastError ?? "no reason given"))"
        default: "\(type.rawValue): queued as \(queued.id); the bot has not taken it up yet (is it running?)"
        }
    }

    private func engineState() throws -> String {
        try storage.projections.status().map { $0.engineState.rawValue } ?? "not started"
    }

    /// Replies are answers to a person waiting now, not records: sent once, not through the outbox.
    private func send(_ text: String, to chat: Int64) {
        let body: JSONObject = ["chat_id": .int(chat), "text": .string(text), "parse_mode": "HTML"]
        do {
            let response = try transport.post(url: "\(api)/sendMessage", body: Array(body.serialized.utf8))
            if response.status != 200 { log.warning("telegram: a reply was refused", metadata: ["status": "\(response.status)"]) }
        } catch {
            log.warning("telegram: a reply could not be sent", metadata: ["cause": "\(error)"])
        }
    }

    private func escape(_ text: String) -> String { NotificationDestination.escaped(text) }
}
