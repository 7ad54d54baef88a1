import AlphaBot
import AlphaSystem
import Logging
import Synchronization
import Testing

/// What the bot's logs look like: one line per event, the level from one switch, and a failure
/// that repeats said once and then with its count.
@Suite("Logging: one line per event, repeated failures counted")
struct LoggingTests {
    final class Lines: Sendable {
        let captured = Mutex<[String]>([])
        var all: [String] { captured.withLock { $0 } }
    }

    func logger(_ lines: Lines, _ levels: LogLevelSwitch) -> Logger {
        Logger(label: "reconciler") { _ in
            LineLogHandler(process: "bot", component: "reconciler", levels: levels) { line in lines.captured.withLock { $0.append(line) } }
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    @Test("the same failure ten times is one line, then one line with the count when it ends; a new cause is said at once")
    func repeatedFailures() {
        let lines = Lines()
        let log = logger(lines, LogLevelSwitch(.info))
        var failures = RepeatedFailureLog()
        for _ in 0..<10 { failures.failed("reconcile (schedule)", Failure(description: "HTTP 503: busy"), log) }
        #expect(lines.all == ["alphaengine bot: error reconciler: reconcile (schedule) failed: HTTP 503: busy\n"])
        failures.failed("reconcile (schedule)", Failure(description: "disk full"), log)
        #expect(lines.all.count == 3)
        #expect(lines.all[1] == "alphaengine bot: error reconciler: reconcile (schedule) failed: HTTP 503: busy (repeated 9 more times) [count=10]\n")
        #expect(lines.all[2].hasSuffix("failed: disk full\n"))
        failures.succeeded(log)
        #expect(lines.all.count == 3)  // it happened once: nothing more to say
        #expect(failures.total == 11)
    }

    @Test("levels come from one switch, named in any case, and a logger's own level stays its own")
    func levels() {
        let lines = Lines()
        let levels = LogLevelSwitch(.info)
        var log = logger(lines, levels)
        log.debug("hidden")
        levels.level = LogLevelSwitch.level(named: "DEBUG")!
        log.debug("shown")
        #expect(lines.all == ["alphaengine bot: debug reconciler: shown\n"])
        #expect(LogLevelSwitch.level(named: "Warn") == .warning && LogLevelSwitch.level(named: "loud") == nil)
        log.logLevel = .error
        log.warning("quiet on this logger only")
        #expect(lines.all.count == 1)
        #expect(logger(lines, levels).logLevel == .debug)
    }
}
