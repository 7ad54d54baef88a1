import AlphaCore

/// What a notification says, before it is dressed for Slack or Telegram: a title, a few lines
/// and when it happened. Stored in the outbox as JSON, so a retry days later sends the same words.
public struct NotificationMessage: Sendable, Equatable {
    public var kind: NotificationKind
    public var title: String
    public var lines: [String]
    /// When the fact happened (UTC).
    public var time: Timestamp
    /// "sim", "testnet" or "production": a message from a test account must not read like real money.
    public var mode: String

    public init(kind: NotificationKind, title: String, lines: [String] = [], time: Timestamp, mode: String) {
        self.kind = kind
        self.title = title
        self.lines = lines
        self.time = time
        self.mode = mode
    }

    public var json: JSONObject {
        ["kind": .string(kind.rawValue), "title": .string(title), "lines": .array(lines.map { .string($0) }),
         "time": .int(time.millisecondsSinceEpoch), "mode": .string(mode)]
    }

    public init(json: JSONObject) throws(PayloadError) {
        kind = try json.choice("kind", as: NotificationKind.self)
        title = try json.string("title")
        lines = try json.strings("lines")
        time = Timestamp(millisecondsSinceEpoch: try json.int64("time"))
        mode = try json.string("mode")
    }

    /// "sim · 2026-12-07 10:44:25 UTC": the footer both formats print.
    public var footer: String {
        let text = time.iso8601
        return "\(mode) · \(text.prefix(10)) \(text.dropFirst(11).prefix(8)) UTC"
    }
}
