/// What the notifier reports (secrets.yaml's `notifications` section names these).
public enum NotificationKind: String, Sendable, CaseIterable, Comparable {
    /// Each of our fills (TradeExecuted).
    case fills
    /// The reconciler found the exchange and our projections apart (DriftDetected).
    case drift
    /// The risk guard refused an order or a decision (RiskGuardRejected).
    case risk
    /// Outside activity or a liquidation quarantined a symbol, and how it ended.
    case quarantine
    /// The engine started, paused, resumed, stopped or changed mode.
    case engine
    /// The day's realized PnL, fees and funding, once after each UTC midnight.
    case dailyPnL = "daily_pnl"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where notifications go and which kinds each place gets. The webhook URL and the bot token are
/// credentials: the description names neither.
public struct NotificationSettings: Sendable, Equatable, CustomStringConvertible {
    public struct Slack: Sendable, Equatable {
        /// The incoming webhook (https://hooks.slack.com/services/…): it carries its own token.
        public var webhookURL: String
        public var kinds: Set<NotificationKind>

        public init(webhookURL: String, kinds: Set<NotificationKind> = Set(NotificationKind.allCases)) {
            self.webhookURL = webhookURL
            self.kinds = kinds
        }
    }

    public struct Telegram: Sendable, Equatable {
        public var botToken: String
        /// The chat notifications go to.
        public var chatID: Int64?
        public var kinds: Set<NotificationKind>
        /// Chats whose /status, /pnl, /pause and /resume are obeyed; any other chat is ignored.
        public var commandChats: Set<Int64>
        /// The Bot API's address (a test points it at a local fake).
        public var apiURL: String
        /// How long one getUpdates call waits for a message (Telegram's long poll).
        public var pollSeconds: Int

        public static let defaultAPIURL = "https://api.telegram.org"

        public init(botToken: String, chatID: Int64? = nil, kinds: Set<NotificationKind> = Set(NotificationKind.allCases),
                    commandChats: Set<Int64> = [], apiURL: String = defaultAPIURL, pollSeconds: Int = 25) {
            self.botToken = botToken
            self.chatID = chatID
            self.kinds = kinds
            self.commandChats = commandChats
            self.apiURL = apiURL
            self.pollSeconds = pollSeconds
        }
    }

    public var slack: Slack?
    public var telegram: Telegram?
    /// At most this many messages a minute to each destination; the rest wait their turn in the
    /// outbox (Slack allows about one a second per webhook, Telegram twenty a minute per group).
    public var perMinute: Int
    /// The same drift or the same risk refusal is reported again only after this long.
    public var quietSeconds: Int64

    public init(slack: Slack? = nil, telegram: Telegram? = nil, perMinute: Int = 20, quietSeconds: Int64 = 600) {
        self.slack = slack
        self.telegram = telegram
        self.perMinute = perMinute
        self.quietSeconds = quietSeconds
    }

    public var isEmpty: Bool { slack == nil && telegram == nil }

    public var description: String {
        var parts: [String] = []
        if let slack { parts.append("slack: \(slack.kinds.sorted().map(\.rawValue).joined(separator: ","))") }
        if let telegram {
            parts.append("telegram: chat \(telegram.chatID.map(String.init) ?? "none"), \(telegram.kinds.sorted().map(\.rawValue).joined(separator: ",")), "
                + "commands from \(telegram.commandChats.count) chat(s)")
        }
        return "NotificationSettings(\(parts.isEmpty ? "off" : parts.joined(separator: "; ")), \(perMinute)/min)"
    }
}
