import AlphaCore
import AlphaExchange
import AlphaJSON
import AlphaStore
import AlphaSystem
import Foundation
import Synchronization

/// The bot process's main loop (DESIGN §8): boot in order, then carry out commands, store
/// stream messages and catch up over REST until asked to stop. One thread writes the store;
/// the stream's thread only queues what it hears.
public final class BotRunner {
    public struct Settings: Sendable {
        public var restURL: String
        public var webSocketURL: String
        public var apiKey: String
        public var apiSecret: String
        public var symbols = ["BTCUSDT"]
        /// How often the reconciler runs while the stream is up; with the stream down, sooner.
        public var catchUpMilliseconds = 30_000
        public var streamDownCatchUpMilliseconds = 2_000
        /// How long after one of our orders is acknowledged its stream update may take before
        /// the stream counts as lossy and the reconciler fetches the fills itself.
        public var streamConfirmMilliseconds = 1_000
        /// While the used weight is at the *slow* threshold, polling is this many times slower.
        public var slowPollingFactor = 4
        public var rateLimits = RateLimitGate.Thresholds.binance
        public var restTimeoutMilliseconds = 10_000
        public var executor = OrderExecutor.Settings()
        public var stream = UserDataStream.Settings()
        /// Where operational news goes (rate-limit levels); secrets never pass through here.
        public var log: @Sendable (String) -> Void = { line in FileHandle.standardError.write(Data("alphaengine bot: \(line)\n".utf8)) }

        public init(restURL: String, webSocketURL: String, apiKey: String, apiSecret: String) {
            self.restURL = restURL
            self.webSocketURL = webSocketURL
            self.apiKey = apiKey
            self.apiSecret = apiSecret
        }
    }

    public enum BootError: Error, CustomStringConvertible {
        case hedgeMode
        case exchange(ExchangeError)

        public var description: String {
            switch self {
            case .hedgeMode: "the account is in hedge mode (dualSidePosition=true); AlphaEngine trades one-way mode only — switch it on Binance first"
            case .exchange(let error): "exchange: \(error)"
            }
        }
    }

    private let settings: Settings
    private let database: Database
    private let writer: EventWriter
    private let commands: CommandStore
    private let scope: Scope
    /// The exchange, as the rest of the bot sees it. This runner is where the Binance
    /// implementation (REST account and user-data stream) is chosen.
    private let account: any ExchangeAccount
    private let gate: RateLimitGate
    private let inbox = StreamInbox()
    private lazy var listener = Listener(writer: writer, account: account)
    /// One executor for boot and run: what boot could not settle yet (a 429, a slow answer) stays
    /// in its list of pending work and is taken up by the loop.
    private lazy var executor = OrderExecutor(account: account, writer: writer, commands: commands, settings: settings.executor)
    private lazy var trades = TradeCatchUp(account: account, writer: writer)
    private lazy var funding = FundingCatchUp(account: account, writer: writer)
    private lazy var reconciler = Reconciler(account: account, writer: writer, scope: scope, symbols: settings.symbols, trades: trades)
    private var stream: UserDataStream?
    /// Our acknowledged orders the stream has not mentioned yet, with when that becomes suspicious.
    private var awaitingStream: [String: Int64] = [:]
    private var streamUp = false
    private var bootID = ""
    /// Stream connections made since boot, for the WebSocket state events.
    private var connections = 0
    private var connectionID = ""

    public init(settings: Settings, database: Database, mode: TradingMode) throws {
        self.settings = settings
        self.database = database
        writer = try EventWriter(database: database)  // loads projections, replays after the checkpoint
        commands = CommandStore(database: database)
        scope = Scope(mode: mode)
        gate = RateLimitGate(thresholds: settings.rateLimits)
        account = BinanceAccount(client: Self.makeClient(settings, gate: gate), scope: scope)
    }

    /// Every client of the account shares one gate: Binance counts weight per IP.
    private static func makeClient(_ settings: Settings, gate: RateLimitGate) -> BinanceRESTClient {
        let client = BinanceRESTClient(baseURL: settings.restURL, apiKey: settings.apiKey, apiSecret: settings.apiSecret,
                                       timeoutMilliseconds: settings.restTimeoutMilliseconds, gate: gate)
        client.log = settings.log
        return client
    }

    /// Boot: clock, position mode, in-flight commands, then the stream and a first reconcile.
    /// Exchange trouble during boot (5xx, timeouts, a restart of the exchange) is waited out with
    /// backoff until `shouldStop`; only a refusal that waiting cannot fix (hedge mode) ends it.
    public func boot(shouldStop: () -> Bool = { false }) throws {
        var delay: UInt32 = 250_000
        while true {
            do {
                try account.syncClock()
                if try account.isHedgeMode() { throw BootError.hedgeMode }
                break
            } catch let error as ExchangeError {
                if case .rejected(let status, _, _) = error, status == 401 { throw BootError.exchange(error) }  // wrong keys: waiting will not help
                if shouldStop() { throw BootError.exchange(error) }
                let limited = gate.waitMilliseconds()
                if limited > 0 {
                    usleep(UInt32(min(limited, 5_000)) * 1000)  // a 429/418 is waited out exactly, never hammered
                } else {
                    usleep(delay)  // anything else: back off, doubling up to 5 s
                    delay = min(delay * 2, 5_000_000)
                }
            }
        }
        _ = try executor.resolveInFlight()
        // The engine runs from here; the mode carries over from the last run.
        let bootID = Identifier.random()
        _ = try writer.append(Event(type: .engineStarted, source: .bot, entityKind: .engine, entityID: "engine", scope: scope,
                                    dedupKey: DedupKey.engine(bootID: bootID, transition: "started"),
                                    payload: EngineStartedPayload(bootID: bootID, state: .running,
                                                                  mode: writer.state.status.engineMode).json))
        self.bootID = bootID
        let settings = self.settings, gate = self.gate
        let inbox = self.inbox
        let stream = UserDataStream(webSocketBase: settings.webSocketURL, settings: settings.stream,
                                    makeClient: { Self.makeClient(settings, gate: gate) },
                                    handler: { event in inbox.append(event) })
        stream.start()
        self.stream = stream
        _ = try? reconcile("boot")  // if the exchange is slow now, the loop reconciles again soon
    }

    /// Runs until `shouldStop` returns true (checked at least every 100 ms), then stops cleanly.
    public func run(until shouldStop: () -> Bool) throws {
        let control = ControlCommands(writer: writer, commands: commands)
        var lastCatchUp = MonotonicClock.milliseconds()
        var seenVersion: Int64?
        var lastClaim: Int64 = 0
        var lastBeat: Int64 = 0
        while !shouldStop() {
            if MonotonicClock.milliseconds() - lastBeat >= Self.heartbeatIntervalMilliseconds {
                lastBeat = MonotonicClock.milliseconds()
                try? beat()  // a missed beat only makes the web report the bot as late
            }
            try drainStream()
            var worked = !(try executor.retryPending()).isEmpty
            // Claiming takes the write lock, so it is tried only when another connection (the web)
            // has committed since — `data_version` tells, at no I/O cost — or at least every 250 ms
            // (a rate-limit gate that reopened leaves waiting commands behind).
            let version = try database.dataVersion()
            let now = MonotonicClock.milliseconds()
            let mayHaveCommands = version != seenVersion || now - lastClaim >= Self.claimIntervalMilliseconds
            seenVersion = version
            if mayHaveCommands { lastClaim = now }
            // While Binance has asked us to wait, only commands that need no request are claimed.
            while mayHaveCommands, !shouldStop(),
                  let command = try commands.claimNext(excluding: gate.closure() == nil ? [] : Self.exchangeCommands) {
                worked = true
                switch command.type {
                case .placeOrder, .cancelOrder, .cancelAll, .closePosition, .setLeverage:
                    let done = try executor.execute(command)
                    if done.status == .acknowledged, case .string(let clientOrderID)? = done.result?["clientOrderId"] {
                        awaitingStream[clientOrderID] = MonotonicClock.milliseconds() + Int64(settings.streamConfirmMilliseconds)
                    }
                case .runReconcile:
                    do {
                        let report = try reconcile("command")
                        lastCatchUp = MonotonicClock.milliseconds()
                        _ = try commands.acknowledge(command.id, result: ["runId": .string(report.runID), "drifts": .int(Int64(report.drifts)),
                                                                          "newFacts": .int(Int64(report.newFacts))])
                    } catch {
                        _ = try commands.fail(command.id, error: "reconcile: \(error)")
                    }
                default:
                    _ = try control.execute(command)
                }
                try drainStream()
            }
            var interval = streamUp ? settings.catchUpMilliseconds : settings.streamDownCatchUpMilliseconds
            if gate.level >= .slow { interval *= settings.slowPollingFactor }
            // An order of ours the stream never mentioned means the stream is losing messages:
            // fetch the fills now rather than at the next scheduled run.
            let silent = awaitingStream.values.contains { $0 <= MonotonicClock.milliseconds() }
            if silent || MonotonicClock.milliseconds() - lastCatchUp >= Int64(interval), gate.closure() == nil {
                _ = try? reconcile(silent ? "stream-silent" : "schedule")  // REST trouble now is retried on the next turn
                lastCatchUp = MonotonicClock.milliseconds()
                awaitingStream = awaitingStream.filter { $0.value > lastCatchUp }
            }
            // A stream message wakes the loop at once; otherwise it looks for commands every 2 ms.
            if !worked { inbox.wait(milliseconds: 2) }
        }
        stream?.stop()
        try drainStream()
        _ = try writer.append(Event(type: .engineStopped, source: .bot, entityKind: .engine, entityID: "engine", scope: scope,
                                    dedupKey: DedupKey.engine(bootID: bootID, transition: "stopped"),
                                    payload: EngineReasonPayload(reason: "SIGINT/SIGTERM").json))
    }

    static let claimIntervalMilliseconds: Int64 = 250
    static let heartbeatIntervalMilliseconds: Int64 = 1000

    /// Tells the web the bot is alive, and how much of Binance's request weight it is using.
    private func beat() throws {
        var details: JSONObject = ["usedWeight1m": .int(Int64(gate.usedWeight)), "level": .string(gate.level.description)]
        if let closure = gate.closure() {
            let until: Int64
            switch closure {
            case .rateLimited(let end), .banned(let end): until = end
            }
            let remaining = until - MonotonicClock.milliseconds()
            details["closedUntil"] = .string(Timestamp.now().adding(milliseconds: max(0, remaining)).iso8601)
        }
        try HeartbeatStore(database: database).beat(Heartbeat(process: "bot", bootID: bootID, pid: Int64(getpid()),
                                                              beatAt: .now(), details: details))
    }

    /// Commands that send requests to the exchange.
    static let exchangeCommands: Set<CommandType> = [.placeOrder, .cancelOrder, .cancelAll, .closePosition, .setLeverage, .runReconcile]

    private func drainStream() throws {
        let events = inbox.takeAll()
        for event in events {
            switch event {
            case .message(let message):
                let facts: [Event]
                do { facts = try listener.ingest(message) } catch is PayloadError { continue /* the catch-up fetches the same facts over REST */ }
                var fundingPaid = false
                for fact in facts {
                    if fact.entityKind == .order, case .string(let id)? = fact.payload["clientOrderId"] {
                        awaitingStream[id] = nil  // the stream is carrying our orders
                    }
                    if fact.type == .balanceChanged, fact.payload["reason"] == "FUNDING_FEE" { fundingPaid = true }
                }
                // A funding payment moved the balance; its per-symbol line is in the income history now.
                if fundingPaid {
                    _ = try? funding.run(since: (writer.state.status.lastReconcileAt ?? 0) - Reconciler.overlapMilliseconds)
                }
            case .connected(let listenKey):
                connections += 1
                connectionID = "\(bootID):\(connections)"
                try recordStream(connections == 1 ? .webSocketConnected : .webSocketReconnected,
                                 StreamPayload(connectionID: connectionID, reason: "listenKey \(listenKey.prefix(8))…"))
                if !streamUp { streamUp = true; _ = try? reconcile("reconnect") }  // anything missed while down
            case .disconnected(let reason):
                if streamUp { try recordStream(.webSocketDisconnected, StreamPayload(connectionID: connectionID, willReconnect: true, reason: reason)) }
                streamUp = false
            case .listenKeyExpired:
                if streamUp {
                    try recordStream(.webSocketDisconnected, StreamPayload(connectionID: connectionID, willReconnect: true, reason: "listenKey expired"))
                }
                streamUp = false
            }
        }
    }

    /// WebSocket state changes are facts too: the dashboard shows them, and gaps can be explained.
    private func recordStream(_ type: EventType, _ payload: StreamPayload) throws {
        _ = try writer.append(Event(type: type, source: .bot, entityKind: .stream, entityID: payload.connectionID, scope: scope,
                                    dedupKey: DedupKey.stream(connectionID: payload.connectionID, event: type), payload: payload.json))
    }

    @discardableResult
    private func reconcile(_ trigger: String) throws -> Reconciler.Report {
        try reconciler.run(trigger: trigger)
    }
}

/// Stream events handed from the stream's thread to the writer's, which sleeps on it.
final class StreamInbox: Sendable {
    private let queue = Mutex<[UserDataStream.Event]>([])
    private let arrived = DispatchSemaphore(value: 0)

    func append(_ event: UserDataStream.Event) {
        queue.withLock { $0.append(event) }
        arrived.signal()
    }

    /// Returns when an event arrives or after `milliseconds`.
    func wait(milliseconds: Int) {
        _ = arrived.wait(timeout: .now() + .milliseconds(milliseconds))
    }

    func takeAll() -> [UserDataStream.Event] {
        queue.withLock { queue in
            defer { queue.removeAll() }
            return queue
        }
    }
}

