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

/// One line per log event on standard error (journald takes it from there):
/// `alphaengine bot: warning reconciler: reconcile failed: … [count=3]`. Messages never carry
/// secrets: callers log ids, states and counts, never keys or tokens.
public struct LineLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    private let process: String
    private let component: String
    private let levels: LogLevelSwitch
    private let write: @Sendable (String) -> Void

    public init(process: String, component: String, levels: LogLevelSwitch,
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }) {
        self.process = process
        self.component = component
        self.levels = levels
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
        var line = "alphaengine \(process): \(event.level) \(component): \(event.message)"
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        if !merged.isEmpty {
            line += " [" + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + "]"
        }
        write(line + "\n")
    }
}
