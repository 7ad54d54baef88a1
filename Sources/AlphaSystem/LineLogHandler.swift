import Foundation
import Logging
import Synchronization

/// The level every `LineLogHandler` logs at, shared so that a configuration change (the runtime
/// config's `logging.level`) applies to every logger of the process at once.
public final class LogLevelSwitch: Sendable {
    private let raw = Atomic<UInt8>(UInt8(Logger.Level.info.rank))

    public init(_ level: Logger.Level = .info) { self.level = level }

    public var level: Logger.Level {
        get { Logger.Level.allCases.first { $0.rank == Int(raw.load(ordering: .relaxed)) } ?? .info }
        set { raw.store(UInt8(newValue.rank), ordering: .relaxed) }
    }

    /// Reads a level name in any case ("INFO", "warn", "Warning"); nil for anything else.
    public static func level(named name: String) -> Logger.Level? {
        switch name.lowercased() {
        case "trace": .trace
        case "debug": .debug
        case "info": .info
        case "notice": .notice
        case "warn", "warning": .warning
        case "error": .error
        case "critical", "fatal": .critical
        default: nil
        }
    }
}

extension Logger.Level {
    fileprivate var rank: Int { Logger.Level.allCases.firstIndex(of: self) ?? 2 }
}

/// How a log line is written: `text` for a person at a terminal, `json` (one object a line) for
/// journald and whatever ships logs from there.
public enum LogFormat: String, Sendable, CaseIterable {
    case text, json
}

/// Fields every line of the process carries once they are known (the bot's boot id), set from
/// wherever they become known.
public final class LogContext: Sendable {
    private let fields = Mutex<[(key: String, value: String)]>([])

    public init() {}

    public func set(_ key: String, _ value: String) {
        fields.withLock { fields in
            fields.removeAll { $0.key == key }
            fields.append((key, value))
        }
    }

    public func remove(_ key: String) { fields.withLock { fields in fields.removeAll { $0.key == key } } }

    var current: [(key: String, value: String)] { fields.withLock { $0 } }
}

/// One line per log event on standard error (journald takes it from there). As text:
/// `alphaengine bot: warning reconciler: reconcile failed: … [count=3]`; as JSON:
/// `{"ts":"2026-12-07T09:08:14.123Z","level":"warning","process":"bot","component":"reconciler",
/// "message":"reconcile failed: …","boot":"01a2…","count":"3"}`. Messages never carry secrets:
/// callers log ids, states and counts, never keys or tokens.
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    private let process: String
    private let component: String
    private let levels: LogLevelSwitch
    private let format: LogFormat
    private let context: LogContext?
    private let write: @Sendable (String) -> Void

    public init(process: String, component: String, levels: LogLevelSwitch, format: LogFormat = .text, context: LogContext? = nil,
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.process = process
        self.component = component
        self.levels = levels
        self.format = format
        self.context = context
        self.write = write
    }

    /// A level set on one logger stays that logger's (swift-log's value semantics); otherwise
    /// the process-wide switch decides.
    private var ownLevel: Logger.Level?

    public var logLevel: Logger.Level {
        get { ownLevel ?? levels.level }
        set { ownLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        switch format {
        case .text:
            var line = "alphaengine \(process): \(event.level) \(component): \(event.message)"
            let fields = (context?.current ?? []) + merged.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") }
            if !fields.isEmpty { line += " [" + fields.map { "\($0.0)=\($0.1)" }.joined(separator: " ") + "]" }
            write(line + "\n")
        case .json:
            var line = "{\"ts\":\"\(Self.utcNow())\",\"level\":\"\(event.level)\",\"process\":" + Self.quoted(process)
                + ",\"component\":" + Self.quoted(component) + ",\"message\":" + Self.quoted("\(event.message)")
            let fields = (context?.current ?? []) + merged.sorted { $0.key < $1.key }.map { ($0.key, "\($0.value)") }
            for (key, value) in fields {
                // A field never hides one of the line's own.
                let name = Self.reserved.contains(key) ? "meta_" + key : key
                line += "," + Self.quoted(name) + ":" + Self.quoted(value)
            }
            write(line + "}\n")
        }
    }

    static let reserved: Set<String> = ["ts", "level", "process", "component", "message"]

    /// A JSON string (RFC 8259 §7): quotes, backslashes and control characters escaped.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Now in UTC, ISO-8601 with milliseconds, as every time in AlphaEngine is written.
    static func utcNow() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, Int(spec.tv_nsec / 1_000_000))
    }
}
