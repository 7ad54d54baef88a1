import AlphaBot
import AlphaCore
import AlphaExchange
import AlphaStore
import Foundation
import Logging
import Testing

/// The bot's kernel on a manual clock over a scripted venue: every turn is called by the test
/// and time moves only when the test moves it, so nothing here sleeps or races.
final class KernelWorld {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kernel-\(UUID().uuidString)")
    let database: Database
    let venue = ScriptedVenue()
    let clock = ManualClock()
    let runner: BotRunner
    let commands: CommandStore

    /// `storage` wraps the connection the bot is given (the storage-seam test decorates it).
    init(extra: [any BotComponent] = [], storage: (Database) -> any Storage = { SQLiteStorage($0) }) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try Database.openMigrated(path: directory.appendingPathComponent("bot.db").path)
        runner = try BotRunner(venue: venue, storage: storage(database), mode: .sim, clock: clock,
                               logger: { Logger(label: $0, factory: { _ in SwiftLogNoOpLogHandler() }) })
        commands = CommandStore(database: database)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    @discardableResult
    func command(_ type: CommandType, _ payload: JSONObject, actor: Actor.Kind = .user) throws -> Command {
        try commands.insert(Command(type: type, actor: Actor(kind: actor, id: "test"), scope: Scope(on: .binanceUSDM, mode: .sim), payload: payload)).command
    }

    var heartbeatAt: Timestamp? { (try? HeartbeatStore(database: database).heartbeat(process: "bot"))?.beatAt }
}

@Suite("Bot kernel: components on a manual clock")
struct KernelTests {
    @Test("an order whose fate is unknown is settled over later ticks while the heartbeat keeps its period, a user command is acknowledged and a stream fill is committed")
    func unknownOrderDoesNotStallTheKernel() throws {
        let world = try KernelWorld()
        try world.runner.boot()
        // The order executes but its answer is lost (503 "unknown"), and the next six queries
        // fail too (502): three seconds of an order whose fate nobody knows.
        world.venue.scripted.unknownAnswers = 6
        let order = try world.command(.placeOrder, ["symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.010"])
        var beats: [Timestamp] = []
        var leverage: Command?
        var fillCommittedAt: Timestamp?
        var orderSettledAt: Timestamp?
        for step in 0..<120 {  // 12 s in steps of 100 ms
            try world.runner.kernel.turn()
            if let beat = world.heartbeatAt, beat != beats.last { beats.append(beat) }
            if step == 3 { leverage = try world.command(.setLeverage, ["symbol": "BTCUSDT", "leverage": 5]) }
            if step == 5 { world.venue.stream.emit(.facts([world.venue.scripted.streamFill(tradeID: "9001", time: 1)])) }
            if fillCommittedAt == nil, world.runner.writer.state.pnl.values.contains(where: { $0.trades == 1 }) { fillCommittedAt = world.clock.now }
            if orderSettledAt == nil, try world.commands.command(id: order.id)?.status != .sent { orderSettledAt = world.clock.now }
            world.clock.advance(milliseconds: 100)
        }
        // The order: found by query once the exchange answered, never sent twice.
        let settled = try #require(try world.commands.command(id: order.id))
        #expect(settled.status == .acknowledged && settled.result?["resolvedBy"] == "query")
        #expect(world.venue.scripted.placeRequests == 1)
        #expect(world.venue.scripted.queries == 7)
        let started = try #require(beats.first)
        let resolvedAfter = try #require(orderSettledAt).millisecondsSinceEpoch - started.millisecondsSinceEpoch
        #expect(resolvedAfter >= 3_000)
        // Meanwhile: the user's command was carried out and the stream's fill stored, long before.
        let leverageID = try #require(leverage).id
        let leverageDone = try #require(try world.commands.command(id: leverageID))
        #expect(leverageDone.status == .acknowledged && world.venue.scripted.leverage["BTCUSDT"] == 5)
        #expect(leverageDone.updatedAt.millisecondsSinceEpoch - started.millisecondsSinceEpoch < 1_000)
        #expect(try #require(fillCommittedAt).millisecondsSinceEpoch - started.millisecondsSinceEpoch <= 700)
        // And the heartbeat never missed its period: one beat a second, twelve seconds long.
        #expect(beats.count == 12)
        #expect(zip(beats, beats.dropFirst()).allSatisfy { $1.millisecondsSinceEpoch - $0.millisecondsSinceEpoch == 1_000 })
    }

    @Test("a new component plugs in without touching the others: it sees every committed event and the time, and handles a command type of its own")
    func newComponentPlugsIn() throws {
        let world = try KernelWorld()
        let auditor = TransferDesk(commands: world.commands)
        world.runner.kernel.add(auditor)
        world.runner.dispatcher.register(auditor, for: [.internalTransfer], needsExchange: false, replacing: true)
        try world.runner.boot()
        let transfer = try world.command(.internalTransfer, ["asset": "USDT", "amount": "10", "direction": "TO_FUTURES"])
        try world.command(.placeOrder, ["symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.010"])
        for _ in 0..<10 {
            try world.runner.kernel.turn()
            world.clock.advance(milliseconds: 100)
        }
        #expect(try world.commands.command(id: transfer.id)?.status == .acknowledged)
        #expect(try world.commands.command(id: transfer.id)?.result?["by"] == "transfer-desk")
        #expect(auditor.ticks == 10)
        // It saw the engine start, the boot's reconcile and the order, each once, in seq order.
        let stored = try EventStore(database: world.database).events(matching: EventFilter(), limit: 100).compactMap(\.seq)
        #expect(auditor.seen == stored)
        #expect(auditor.types.contains(.engineStarted) && auditor.types.contains(.orderPlaced))
    }
}

/// The trivial component of the seam test: counts ticks, records what was committed, and
/// acknowledges `InternalTransfer` commands (which no shipped component handles yet).
final class TransferDesk: BotComponent, CommandHandler {
    let name = "transfer-desk"
    private(set) var ticks = 0
    private(set) var seen: [Int64] = []
    private(set) var types: Set<EventType> = []
    private let commands: CommandStore

    init(commands: CommandStore) { self.commands = commands }

    func tick(_ time: KernelTime) throws -> Bool {
        ticks += 1
        return false
    }

    func didAppend(_ events: [Event], _ time: KernelTime) throws {
        seen += events.compactMap(\.seq)
        types.formUnion(events.map(\.type))
    }

    func handle(_ command: Command, _ time: KernelTime) throws -> Command {
        try commands.acknowledge(command.id, result: ["by": .string(name)], now: time.now)
    }
}
