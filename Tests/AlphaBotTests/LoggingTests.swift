import AlphaBot
import AlphaCore
import AlphaJSON
import AlphaSystem
import AlphaTestSupport
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

    @Test("as JSON: one object a line with the time in UTC, level, process, component and message, the process's context and the metadata; quotes and newlines escaped; a field never hides the line's own")
    func json() throws {
        let lines = Lines()
        let context = LogContext()
        context.set("boot", "01a2boot")
        let log = Logger(label: "orders") { _ in
            LineLogHandler(process: "bot", component: "orders", levels: LogLevelSwitch(.info), format: .json, context: context) { line in
                lines.captured.withLock { $0.append(line) }
            }
        }
        log.warning("order \"ae-1\" outcome unknown\nresolving", metadata: ["clientOrderId": "ae-1", "level": "spoofed"])
        log.debug("below the level: not written")
        #expect(lines.all.count == 1 && lines.all[0].hasSuffix("}\n") && lines.all[0].filter { $0 == "\n" }.count == 1)
        let object = try JSONParser.parseObject(String(lines.all[0].dropLast()))
        #expect(object["level"] == .string("warning") && object["process"] == .string("bot") && object["component"] == .string("orders"))
        #expect(object["message"] == .string("order \"ae-1\" outcome unknown\nresolving"))
        #expect(object["boot"] == .string("01a2boot") && object["clientOrderId"] == .string("ae-1") && object["meta_level"] == .string("spoofed"))
        guard case .string(let time)? = object["ts"] else { Issue.record("no ts"); return }
        #expect(Timestamp(iso8601: time) != nil && time.hasSuffix("Z"), "\(time)")
    }

    @Test("the bot with --log-format json writes nothing but JSON objects to standard error, each line after the boot with its boot id, a command's lines with its correlation id, and no secret")
    func botLogsJSON() throws {
        let world = try BotWorld(botArguments: ["--not-found-grace-ms", "800", "--reconcile-ms", "1000", "--log-format", "json"])
        try world.startBot()
        #expect(eventually(within: 15) { world.count(.reconciliationPerformed) >= 1 })
        // An order answered with a 500 (refused before it executed): the bot logs that it resolves
        // it by query, inside the command, and fails it once the exchange has never heard of it.
        try world.control("faults", #"{"fault":"http_5xx","path":"/fapi/v1/order","status":500,"count":1}"#)
        let order = try world.order("BUY")
        #expect(world.settled(order) != nil, "\(world.log.suffix(1500))")
        #expect(world.stopBot() == 0)
        let lines = world.log.split(separator: "\n").map(String.init)
        let objects = lines.compactMap { try? JSONParser.parseObject($0) }
        #expect(!lines.isEmpty && objects.count == lines.count, "every line JSON: \(lines.filter { (try? JSONParser.parseObject($0)) == nil })")
        #expect(objects.allSatisfy { $0["process"] == .string("bot") })
        let messages = objects.compactMap { object -> String? in if case .string(let text)? = object["message"] { text } else { nil } }
        #expect(messages.contains { $0.hasPrefix("running (binance, sim") } && messages.last == "stopped", "\(messages)")
        let boot = world.stored(.engineStarted).first.flatMap { event -> String? in if case .string(let id)? = event.payload["bootId"] { id } else { nil } }
        #expect(boot != nil && objects.last?["boot"] == boot.map { .string($0) }, "the boot id on the lines after boot")
        #expect(!world.log.contains(world.sim.configuration.apiSecret), "the exchange secret is never logged")
        let resolving = objects.first { $0["message"] == .string("order outcome unknown; resolving by query") }
        #expect(resolving?["correlation"] == .string(order.correlationID) && resolving?["command"] == .string(order.id),
                "the command's correlation id on what is logged while it is handled: \(String(describing: resolving))")
        #expect(objects.last?["correlation"] == nil, "and not after")
    }
}
