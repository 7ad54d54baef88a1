import AlphaCore
import AlphaJSON
import AlphaNotify
import AlphaStore
import Foundation
import Logging
import Testing

/// The notifier on a manual clock against a real local receiver (`FakeMessenger`): what it sends,
/// in which format, how often, and that a receiver that is down or a restart loses nothing and
/// repeats nothing.
@Suite(.serialized)
struct NotifierTests {
    /// A database, a writer stamping events with the manual clock, and the receiver.
    final class World {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("notifier-\(UUID().uuidString)").path
        let clock = ManualClock(start: Timestamp(iso8601: "2026-12-07T22:00:00Z")!)
        let storage: any Storage
        let writer: any EventJournal
        let messenger: FakeMessenger
        let scope = Scope(on: .binanceUSDM, mode: .sim)
        private var count = 0

        init() throws {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            storage = SQLiteStorage(try Database.openMigrated(path: directory + "/alphaengine-sim.db"))
            writer = try storage.eventJournal()
            writer.clock = clock
            messenger = try FakeMessenger()
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        var path: String { directory + "/alphaengine-sim.db" }

        /// A notifier on a connection of its own, as the bot runs it.
        func notifier(slack: Set<NotificationKind> = Set(NotificationKind.allCases), telegram: Set<NotificationKind>? = Set(NotificationKind.allCases),
                      perMinute: Int = 20) throws -> Notifier {
            var settings = NotificationSettings(slack: .init(webhookURL: messenger.slackURL, kinds: slack), perMinute: perMinute)
            if let telegram { settings.telegram = .init(botToken: "123:abc", chatID: 42, kinds: telegram, apiURL: messenger.apiURL) }
            let destinations = [NotificationDestination.slack(settings.slack!)] + (settings.telegram.flatMap(NotificationDestination.telegram).map { [$0] } ?? [])
            return Notifier(destinations: destinations, storage: try SQLiteBackend(path: path).open(memory: .lean),
                            transport: CurlNotificationTransport(timeoutMilliseconds: 2_000), clock: clock, mode: .sim,
                            settings: Notifier.Settings(settings), log: Logger(label: "test.notifier"))
        }

        /// Turns until a turn does nothing.
        func drain(_ notifier: Notifier) throws {
            var turns = 0
            while try notifier.turn() {
                turns += 1
                #expect(turns < 200, "the notifier never went idle")
                if turns >= 200 { return }
            }
        }

        func append(_ type: EventType, _ kind: EntityKind, _ payload: JSONObject) throws {
            count += 1
            try writer.append(Event(type: type, source: .bot, entityKind: kind, entityID: "e\(count)", scope: scope, dedupKey: "test:\(count)",
                                    payload: payload))
        }

        func trade(_ id: Int, pnl: String = "12.5") throws {
            try append(.tradeExecuted, .trade, TradePayload(symbol: "BTCUSDT", tradeID: "\(id)", orderID: "9\(id)", clientOrderID: "ae-test-\(id)",
                                                            side: .buy, price: Amount("50000")!, quantity: Amount("0.010")!,
                                                            realizedPnl: Amount(pnl)!, maker: false,
                                                            time: clock.now.millisecondsSinceEpoch).json)
        }

        func drift(_ actual: String) throws {
            try append(.driftDetected, .reconciliation, DriftPayload(runID: "r", entity: "position:BTCUSDT", field: "amount", expected: "0",
                                                                     actual: actual).json)
        }
    }

    @Test("each kind is sent once to each destination, in Slack's and in Telegram's format; the day's PnL after midnight")
    func eachKindOnceInItsFormat() throws {
        let world = try World()
        let notifier = try world.notifier()
        try notifier.prepare()
        try world.trade(1)
        try world.drift("0.5")
        try world.append(.riskGuardRejected, .engine, RiskGuardRejectedPayload(commandID: nil, commandType: nil, actor: "strategy:sma_cross",
                                                                                rule: "MAX_POSITION", reason: "the position would be 2 > 1",
                                                                                measured: Amount("2")!, limit: Amount("1")!).json)
        try world.append(.quarantineStarted, .quarantine, QuarantineStartedPayload(quarantineID: "q1", symbol: "BTCUSDT", cause: .outsideOrder,
                                                                                    reason: "order x-1 is not ours", exchangeAmount: Amount("0.3")!,
                                                                                    ownedAmount: .zero, time: 1).json)
        try world.append(.enginePaused, .engine, EngineReasonPayload(reason: "requested by <admin> & co").json)
        try world.append(.reconciliationPerformed, .reconciliation, ReconciliationPayload(runID: "r", trigger: "timer", drifts: 0, time: 1).json)
        try world.drain(notifier)

        let slack = world.messenger.slack, telegram = world.messenger.telegram
        let titles = ["Fill: BUY 0.01 BTCUSDT @ 50000", "Drift: position:BTCUSDT amount", "Risk guard refused: MAX_POSITION",
                      "Quarantine: BTCUSDT (OUTSIDE_ORDER)", "Engine paused"]
        #expect(slack.count == 5 && telegram.count == 5, "slack \(slack.count), telegram \(telegram.count)")
        for (index, title) in titles.enumerated() where index < slack.count && index < telegram.count {
            // Slack: a plain text for the phone, and blocks with the title in bold mrkdwn.
            let slackText = (try? slack[index].body.string("text")) ?? ""
            #expect(slackText.hasPrefix(title), "\(slackText)")
            #expect(slack[index].body.serialized.contains(#""text":"*\#(title)*"#), "\(slack[index].body.serialized)")
            // Telegram: sendMessage to the chat, HTML with the title in <b>.
            let body = telegram[index].body
            #expect((try? body.int64("chat_id")) == 42 && (try? body.string("parse_mode")) == "HTML")
            #expect(((try? body.string("text")) ?? "").hasPrefix("<b>\(title)</b>\n"), "\(body)")
        }
        // What the payload says is escaped for both formats, never sent as markup.
        #expect(((try? telegram.last?.body.string("text")) ?? "")?.contains("requested by &lt;admin&gt; &amp; co") == true)
        #expect(((try? slack.last?.body.string("text")) ?? "")?.contains("requested by <admin> & co") == true)
        #expect(((try? telegram[0].body.string("text")) ?? "").contains("realized PnL 12.5 USDT"))
        #expect(((try? telegram[0].body.string("text")) ?? "").contains("<i>sim · 2026-12-07 22:00:00 UTC</i>"))
        // Every message carries its own key, once.
        let keys = world.messenger.received.compactMap(\.idempotencyKey)
        #expect(keys.count == 10 && Set(keys).count == 10, "\(keys)")

        // Past midnight (UTC): yesterday's PnL, once, whatever the turns after it.
        world.clock.advance(milliseconds: 2 * 3_600_000 + 5_000)
        try world.drain(notifier)
        world.clock.advance(milliseconds: 3_600_000)
        try world.drain(notifier)
        let daily = world.messenger.telegram.compactMap { try? $0.body.string("text") }.filter { $0.contains("Daily PnL") }
        #expect(daily.count == 1, "\(daily)")
        #expect(daily.first?.hasPrefix("<b>Daily PnL 2026-12-07 (UTC)</b>\nUSDT: net 12.5 (realized 12.5, fees 0, funding 0), 1 trades") == true,
                "\(daily)")
        #expect(world.messenger.slack.count == 6)
    }

    @Test("kinds per destination; the same drift is quiet for the window; at most perMinute a minute, the rest wait, none dropped")
    func kindsQuietAndRateLimit() throws {
        let world = try World()
        let notifier = try world.notifier(slack: [.fills], telegram: [.drift], perMinute: 2)
        try notifier.prepare()
        for id in 1...3 { try world.trade(id) }
        try world.drift("0.5")
        try world.drift("0.7")  // the same entity and field within the quiet window: no second message
        try world.drain(notifier)
        #expect(world.messenger.slack.count == 2, "two a minute")
        #expect(world.messenger.telegram.count == 1)
        world.clock.advance(milliseconds: 60_000)
        try world.drain(notifier)
        let slack = world.messenger.slack.compactMap { try? $0.body.string("text") }
        #expect(slack.count == 3 && slack.allSatisfy { $0.hasPrefix("Fill:") }, "\(slack)")
        #expect(slack.last?.contains("ae-test-3") == true, "in order: \(slack)")
        // After the quiet window the same drift is news again.
        world.clock.advance(milliseconds: 600_001)
        try world.drift("0.9")
        try world.drain(notifier)
        #expect(world.messenger.telegram.count == 2)
    }

    @Test("a receiver that fails and then is down, and a restart in between: every message still arrives exactly once, in order")
    func receiverDownAndRestart() throws {
        let world = try World()
        world.messenger.set(.fail(503))
        var notifier: Notifier? = try world.notifier(telegram: nil)
        try notifier!.prepare()
        for id in 1...3 { try world.trade(id) }
        try world.drain(notifier!)
        #expect(world.messenger.slack.isEmpty)
        let pending = try world.storage.notifications.items(destination: "slack")
        #expect(pending.count == 3 && pending[0].attempts == 1, "the first tried once, the rest wait behind it: \(pending.map(\.attempts))")
        // Down altogether, and the process restarts: the outbox and the cursor are on disk.
        world.messenger.down()
        world.clock.advance(milliseconds: 5_000)
        try world.drain(notifier!)
        notifier = nil
        let restarted = try world.notifier(telegram: nil)
        try restarted.prepare()
        try world.trade(4)
        world.clock.advance(milliseconds: 10_000)
        try world.drain(restarted)
        #expect(world.messenger.slack.isEmpty)
        try world.messenger.up()
        world.messenger.set(.accept)
        world.clock.advance(milliseconds: 300_000)
        try world.drain(restarted)
        let texts = world.messenger.slack.compactMap { try? $0.body.string("text") }
        #expect(texts.count == 4, "\(texts)")
        #expect(texts.map { $0.contains("ae-test-1") } == [true, false, false, false] && texts.last?.contains("ae-test-4") == true, "\(texts)")
        #expect(Set(world.messenger.slack.compactMap(\.idempotencyKey)).count == 4)
        #expect(try world.storage.notifications.counts()["slack"] == {
            var counts = OutboxCounts()
            counts.delivered = 4
            return counts
        }())
    }

    @Test("a message the receiver refuses (404) is dropped with its reason, and the ones after it go")
    func refusedIsDropped() throws {
        let world = try World()
        let notifier = try world.notifier(telegram: nil)
        try notifier.prepare()
        world.messenger.set(.fail(404))
        try world.trade(1)
        try world.drain(notifier)
        world.messenger.set(.accept)
        try world.trade(2)
        try world.drain(notifier)
        let items = try world.storage.notifications.items(destination: "slack")
        #expect(items.count == 2)
        #expect(world.messenger.slack.count == 1 && ((try? world.messenger.slack[0].body.string("text")) ?? "").contains("ae-test-2"))
        #expect(try world.storage.notifications.counts()["slack"]?.failed == 1)
    }

    @Test("switched on for the first time, it reports from now on, not the history before it")
    func firstRunStartsAtTheEnd() throws {
        let world = try World()
        for id in 1...5 { try world.trade(id) }
        let notifier = try world.notifier(telegram: nil)
        try notifier.prepare()
        try world.trade(6)
        try world.drain(notifier)
        #expect(world.messenger.slack.count == 1 && ((try? world.messenger.slack[0].body.string("text")) ?? "").contains("ae-test-6"))
    }
}
