import AlphaCore
import Foundation

/// The `notifications` section of secrets.yaml. Errors name the key and never the value: the
/// webhook URL and the bot token are credentials.
extension ConfigurationLoader {
    static func notifications(_ section: [String: Any], _ environment: [String: String]) throws(ConfigurationError) -> NotificationSettings {
        var settings = NotificationSettings()
        if let perMinute = try integer(section, "per_minute", in: "notifications") {
            guard (1...600).contains(perMinute) else { throw .invalidValue(key: "notifications.per_minute", reason: "must be from 1 to 600") }
            settings.perMinute = Int(perMinute)
        }
        if let quiet = try integer(section, "quiet_seconds", in: "notifications") {
            guard (0...86_400).contains(quiet) else { throw .invalidValue(key: "notifications.quiet_seconds", reason: "must be from 0 to 86400") }
            settings.quietSeconds = quiet
        }
        let slack = try subsection(section, "slack", allowed: ["webhook_url", "kinds"])
        let fileURL = try string(slack, "webhook_url", in: "notifications.slack")
        if let url = nonEmpty(environment["ALPHAENGINE_SLACK_WEBHOOK_URL"]) ?? fileURL {
            try checkDestination(url, key: "notifications.slack.webhook_url")
            settings.slack = .init(webhookURL: url, kinds: try kinds(slack["kinds"], key: "notifications.slack.kinds"))
        } else if !slack.isEmpty {
            throw .invalidValue(key: "notifications.slack.webhook_url", reason: "is required (or ALPHAENGINE_SLACK_WEBHOOK_URL)")
        }
        let telegram = try subsection(section, "telegram", allowed: ["bot_token", "chat_id", "kinds", "command_chats", "api_url", "poll_seconds"])
        let fileToken = try string(telegram, "bot_token", in: "notifications.telegram")
        if let token = nonEmpty(environment["ALPHAENGINE_TELEGRAM_BOT_TOKEN"]) ?? fileToken {
            guard token.range(of: #"^[0-9]+:[A-Za-z0-9_-]+$"#, options: .regularExpression) != nil else {
                throw .invalidValue(key: "notifications.telegram.bot_token", reason: "is not a bot token as @BotFather gives it (digits:letters)")
            }
            var destination = NotificationSettings.Telegram(botToken: token)
            destination.chatID = try chatID(telegram["chat_id"], key: "notifications.telegram.chat_id")
            destination.kinds = try kinds(telegram["kinds"], key: "notifications.telegram.kinds")
            if let list = telegram["command_chats"], !(list is NSNull) {
                guard let items = list as? [Any] else { throw .invalidValue(key: "notifications.telegram.command_chats", reason: "must be a list of chat ids") }
                for (index, item) in items.enumerated() {
                    guard let id = try chatID(item, key: "notifications.telegram.command_chats[\(index)]") else { continue }
                    destination.commandChats.insert(id)
                }
            }
            if let url = try string(telegram, "api_url", in: "notifications.telegram") {
                try checkDestination(url, key: "notifications.telegram.api_url")
                destination.apiURL = url.hasSuffix("/") ? String(url.dropLast()) : url
            }
            if let seconds = try integer(telegram, "poll_seconds", in: "notifications.telegram") {
                guard (1...50).contains(seconds) else { throw .invalidValue(key: "notifications.telegram.poll_seconds", reason: "must be from 1 to 50") }
                destination.pollSeconds = Int(seconds)
            }
            if destination.chatID == nil, destination.commandChats.isEmpty {
                throw .invalidValue(key: "notifications.telegram", reason: "needs chat_id (where notifications go) or command_chats (who may send commands)")
            }
            settings.telegram = destination
        } else if !telegram.isEmpty {
            throw .invalidValue(key: "notifications.telegram.bot_token", reason: "is required (or ALPHAENGINE_TELEGRAM_BOT_TOKEN)")
        }
        return settings
    }

    private static func subsection(_ section: [String: Any], _ name: String, allowed: Set<String>) throws(ConfigurationError) -> [String: Any] {
        guard let value = section[name], !(value is NSNull) else { return [:] }
        guard let fields = value as? [String: Any] else { throw .invalidValue(key: "notifications.\(name)", reason: "must be a mapping") }
        for key in fields.keys where !allowed.contains(key) {
            throw .invalidValue(key: "notifications.\(name).\(key)", reason: "unknown key (known: \(allowed.sorted().joined(separator: ", ")))")
        }
        return fields
    }

    /// Absent: every kind. A list names kinds; an empty list sends nothing there.
    private static func kinds(_ value: Any?, key: String) throws(ConfigurationError) -> Set<NotificationKind> {
        guard let value, !(value is NSNull) else { return Set(NotificationKind.allCases) }
        let known = NotificationKind.allCases.map(\.rawValue).joined(separator: ", ")
        guard let items = value as? [Any] else { throw .invalidValue(key: key, reason: "must be a list of kinds (\(known))") }
        var kinds = Set<NotificationKind>()
        for item in items {
            guard let name = item as? String, let kind = NotificationKind(rawValue: name) else {
                throw .invalidValue(key: key, reason: "'\(item)' is not a kind; known: \(known)")
            }
            kinds.insert(kind)
        }
        return kinds
    }

    /// A Telegram chat id: a whole number (groups are negative), written bare or quoted.
    private static func chatID(_ value: Any?, key: String) throws(ConfigurationError) -> Int64? {
        guard let value, !(value is NSNull) else { return nil }
        if let number = value as? Int { return Int64(number) }
        if let text = value as? String, let number = Int64(text.trimmingCharacters(in: .whitespaces)) { return number }
        throw .invalidValue(key: key, reason: "must be a chat id (a whole number)")
    }

    private static func integer(_ map: [String: Any], _ key: String, in section: String) throws(ConfigurationError) -> Int64? {
        guard let value = map[key], !(value is NSNull) else { return nil }
        guard let number = value as? Int else { throw .invalidValue(key: "\(section).\(key)", reason: "must be a whole number") }
        return Int64(number)
    }

    /// https, or http to this machine only (a relay or a test's fake on loopback): a webhook's
    /// URL carries its token and must not cross a network in clear.
    private static func checkDestination(_ url: String, key: String) throws(ConfigurationError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host, !host.isEmpty else {
            throw .invalidEndpoint(key: key, reason: "not a URL")
        }
        let loopback = ["127.0.0.1", "localhost", "::1"].contains(host)
        guard scheme == "https" || (scheme == "http" && loopback) else {
            throw .invalidEndpoint(key: key, reason: "must be https (http only to 127.0.0.1)")
        }
    }
}
