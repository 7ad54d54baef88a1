/// One server-sent event, written in the `text/event-stream` format (HTML Living Standard §9.2.5).
public struct ServerSentEvent: Sendable, Equatable {
    public var id: String?
    public var event: String?
    public var data: String
    /// Reconnection delay the browser should use, in milliseconds.
    public var retry: Int?

    public init(id: String? = nil, event: String? = nil, data: String, retry: Int? = nil) {
        self.id = id
        self.event = event
        self.data = data
        self.retry = retry
    }

    /// The event's wire bytes. Data with line breaks becomes one `data:` line per line (CRLF, CR
    /// and LF all end a line in the format, so each is split on); a line break inside `id` or
    /// `event` would start a new field, so those are cut at the first one.
    public var encoded: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(data.utf8.count + 32)
        if let retry { append("retry", String(retry), to: &output) }
        if let id { append("id", Self.firstLine(id), to: &output) }
        if let event { append("event", Self.firstLine(event), to: &output) }
        for line in Self.lines(data) { append("data", line, to: &output) }
        output.append(0x0A)
        return output
    }

    /// A comment line: ignored by clients, it keeps proxies and idle timers from closing the stream.
    public static func comment(_ text: String) -> [UInt8] {
        Array(": \(firstLine(text))\n\n".utf8)
    }

    private func append(_ field: String, _ value: Substring, to output: inout [UInt8]) {
        output.append(contentsOf: field.utf8)
        output.append(contentsOf: ": ".utf8)
        output.append(contentsOf: value.utf8)
        output.append(0x0A)
    }

    private func append(_ field: String, _ value: String, to output: inout [UInt8]) {
        append(field, value[...], to: &output)
    }

    static func lines(_ text: String) -> [Substring] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
    }

    static func firstLine(_ text: String) -> Substring {
        lines(text).first ?? ""
    }
}
