import AlphaCore
import AlphaJSON

/// A place notifications go, and how a message is dressed for it: Slack's incoming-webhook
/// message (text plus blocks, mrkdwn) or Telegram's `sendMessage` (HTML). The URL holds the
/// webhook's or the bot's token, so nothing here ever prints it.
public struct NotificationDestination: Sendable, CustomStringConvertible {
    public enum Format: String, Sendable { case slack, telegram }

    public let format: Format
    public let kinds: Set<NotificationKind>
    let url: String
    let chatID: Int64?

    public static func slack(_ settings: NotificationSettings.Slack) -> NotificationDestination {
        NotificationDestination(format: .slack, kinds: settings.kinds, url: settings.webhookURL, chatID: nil)
    }

    /// Nil when the settings name no chat to send to (a bot used for commands only).
    public static func telegram(_ settings: NotificationSettings.Telegram) -> NotificationDestination? {
        guard let chat = settings.chatID else { return nil }
        return NotificationDestination(format: .telegram, kinds: settings.kinds, url: "\(settings.apiURL)/bot\(settings.botToken)/sendMessage", chatID: chat)
    }

    /// The outbox's name for it.
    public var name: String { format.rawValue }
    public var description: String { name }

    /// The request body, JSON.
    public func body(_ message: NotificationMessage) -> [UInt8] {
        switch format {
        case .slack: Array(Self.slackBody(message).serialized.utf8)
        case .telegram: Array(Self.telegramBody(message, chatID: chatID ?? 0).serialized.utf8)
        }
    }

    static func slackBody(_ message: NotificationMessage) -> JSONObject {
        let escape = { (text: String) in Self.escaped(text) }
        let text = (["*\(escape(message.title))*"] + message.lines.map(escape)).joined(separator: "\n")
        return [
            // The plain text shows in the phone's notification; the blocks in the channel.
            "text": .string(([message.title] + message.lines).joined(separator: " — ")),
            "blocks": .array([
                .object(["type": "section", "text": .object(["type": "mrkdwn", "text": .string(text)])]),
                .object(["type": "context", "elements": .array([.object(["type": "mrkdwn", "text": .string(escape(message.footer))])])]),
            ]),
        ]
    }

    static func telegramBody(_ message: NotificationMessage, chatID: Int64) -> JSONObject {
        let text = (["<b>\(escaped(message.title))</b>"] + message.lines.map(escaped) + ["<i>\(escaped(message.footer))</i>"]).joined(separator: "\n")
        return ["chat_id": .int(chatID), "text": .string(text), "parse_mode": "HTML", "disable_web_page_preview": true]
    }

    /// The three characters both Slack's mrkdwn and Telegram's HTML reserve.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// What an answer means for the message.
    public enum Outcome: Sendable, Equatable {
        case delivered
        /// Try again later: after the time the receiver asked for, when it said one.
        case retry(afterMilliseconds: Int64?, reason: String)
        /// Trying again cannot help (a revoked webhook, a chat the bot may not write to).
        case refused(String)
    }

    public static func outcome(status: Int, headers: [String: String], body: [UInt8]) -> Outcome {
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        switch status {
        case 200..<300:
            return .delivered
        case 429:
            // Slack says Retry-After (seconds); Telegram says parameters.retry_after in its body.
            let header = headers["retry-after"].flatMap { Int64($0) }
            let telegram = (try? JSONParser.parseObject(String(decoding: body, as: UTF8.self)))
                .flatMap { try? $0.object("parameters").int64("retry_after") }
            return .retry(afterMilliseconds: (header ?? telegram).map { $0 * 1000 }, reason: "HTTP 429 (rate limited)")
        case 408, 500..<600:
            return .retry(afterMilliseconds: nil, reason: "HTTP \(status)")
        default:
            return .refused("HTTP \(status): \(text)")
        }
    }
}
