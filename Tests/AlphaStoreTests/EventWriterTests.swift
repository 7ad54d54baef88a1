import AlphaCore
import AlphaTestSupport
import Testing
@testable import AlphaStore

@Suite struct EventWriterTests {
    let scope = Scope(on: .binanceUSDM, mode: .sim)

    func trade(_ id: Int64, pnl: String = "1.25", source: EventSource = .webSocket) -> Event {
        let payload = TradePayload(symbol: "BTCUSDT", tradeID: String(id), orderID: "1", clientOrderID: nil, side: .buy,
                                   price: 100, quantity: 1, realizedPnl: Amount(pnl)!, maker: true, time: 1_795_297_521_000)
        return Event(type: .tradeExecuted, source: source, entityKind: .trade, entityID: "BTCUSDT:\(id)", scope: scope,
                     dedupKey: DedupKey.trade(symbol: "BTCUSDT", tradeID: String(id)), payload: payload.json)
    }

    @Test func opensInWALWithTheSchema() throws {
        let file = try TestDatabase(.sqlite)
        let database = try file.openSQLite()
        #expect(try database.statement("PRAGMA journal_mode").firstRow([]) { $0.text(0) } == "wal")
        #expect(try database.statement("PRAGMA synchronous").firstRow([]) { $0.int64(0) } == 1) // NORMAL
        #expect(try database.schemaVersion() == 13)
        #expect(try database.statement("SELECT count(*) FROM sqlite_master WHERE name = 'backtest_runs'").firstRow([]) { $0.int64(0) } == 1)
        #expect(try database.statement("SELECT count(*) FROM sqlite_master WHERE name IN ('api_tokens', 'revoked_sessions', 'process_heartbeat')").firstRow([]) { $0.int64(0) } == 3)
        #expect(try database.statement("SELECT count(*) FROM sqlite_master WHERE name = 'projection_orders_by_status_time'").firstRow([]) { $0.int64(0) } == 1)
        // Opening again migrates nothing and keeps the data.
        _ = try EventWriter(database: database).append(trade(1))
        let again = try file.open()
        #expect(try EventStore(database: again).count() == 1)
    }

    @Test(arguments: StoreKind.allCases) func webSocketAndRESTCopiesOfOneFactCollide(kind: StoreKind) throws {
        let file = try TestDatabase(kind)
        let writer = try EventWriter(database: try file.open())
        let first = try writer.append(trade(1, source: .webSocket))
        let second = try writer.append(trade(1, source: .rest))
        #expect(first == .appended(seq: 1))
        #expect(second == .duplicate(existingSeq: 1))
        #expect(try writer.events.count() == 1)
        #expect(try writer.events.event(seq: 1)?.source == .webSocket)
        #expect(writer.state.pnl.values.first?.trades == 1, "the duplicate must not count twice")
    }

    @Test(arguments: StoreKind.allCases) func batchReportsEachOutcomeInOrder(kind: StoreKind) throws {
        let file = try TestDatabase(kind)
        let writer = try EventWriter(database: try file.open())
        let outcomes = try writer.append([trade(1), trade(2), trade(1), trade(3)])
        #expect(outcomes == [.appended(seq: 1), .appended(seq: 2), .duplicate(existingSeq: 1), .appended(seq: 3)])
        #expect(try ProjectionStore(database: writer.database).checkpoint() == 3)
    }

    @Test(arguments: StoreKind.allCases) func aBadPayloadRollsBackTheWholeBatch(kind: StoreKind) throws {
        let file = try TestDatabase(kind)
        let writer = try EventWriter(database: try file.open())
        try writer.append(trade(1))
        var bad = trade(3)
        bad.payload["realizedPnl"] = .number("1.5") // a JSON number, not a decimal string
        #expect(throws: StoreError.invalidPayload(eventType: "TradeExecuted", seq: nil,
                                                  .wrongType(field: "realizedPnl", expected: "a string"))) {
            try writer.append([trade(2), bad])
        }
        #expect(try writer.events.count() == 1)
        #expect(try ProjectionStore(database: writer.database).checkpoint() == 1)
        #expect(writer.state == (try ProjectionStore(database: writer.database).load()))
        #expect(writer.state.pnl.values.first?.trades == 1)
    }

    @Test(arguments: StoreKind.allCases) func eventStoreIsAppendOnly(kind: StoreKind) throws {
        let file = try TestDatabase(kind)
        let writer = try EventWriter(database: try file.open())
        try writer.append(trade(1))
        #expect(throws: (any Error).self) { try writer.database.execute("UPDATE event_store SET event_type = 'X'") }
        #expect(throws: (any Error).self) { try writer.database.execute("DELETE FROM event_store") }
        #expect(try writer.events.count() == 1 && writer.events.event(seq: 1)?.type == .tradeExecuted)
    }

    @Test(arguments: StoreKind.allCases) func readsByIdAfterSeqAndByFilter(kind: StoreKind) throws {
        let file = try TestDatabase(kind)
        let writer = try EventWriter(database: try file.open())
        var factory = EventFactory(seed: 7)
        let batch = (0..<300).map { _ in factory.next() }
        try writer.append(batch)
        let store = writer.events
        let stored = try store.event(id: batch[10].id)
        #expect(stored?.dedupKey == batch[10].dedupKey && stored?.payload == batch[10].payload)
        #expect(stored?.ts == batch[10].ts && stored?.scope == batch[10].scope)
        #expect(try store.events(after: 295).map(\.seq) == [296, 297, 298, 299, 300])

        let trades = try store.events(matching: EventFilter(types: [.tradeExecuted]), limit: 1000)
        #expect(trades.count == batch.filter { $0.type == .tradeExecuted }.count)
        #expect(trades.allSatisfy { $0.type == .tradeExecuted })

        let orderID = batch.first { $0.entityKind == .order }!.entityID
        let orderEvents = try store.events(matching: EventFilter(entityKind: .order, entityID: orderID))
        #expect(orderEvents.map(\.id) == batch.filter { $0.entityID == orderID }.map(\.id))

        let from = batch[100].ts, until = batch[200].ts
        let window = try store.events(matching: EventFilter(from: from, until: until), limit: 1000)
        #expect(window.map(\.id) == batch.filter { $0.ts >= from && $0.ts < until }.map(\.id))
    }

    /// Rule 7 as a property: for random valid sequences with duplicates and replays, appended in
    /// random batches, the incrementally maintained tables equal a rebuild from scratch, and both
    /// equal the state folded from the event store alone.
    @Test(arguments: StoreKind.allCases, [1, 2, 3, 4, 5, 6] as [UInt64])
    func incrementalProjectionEqualsRebuild(kind: StoreKind, seed: UInt64) throws {
        let file = try TestDatabase(kind)
        var writer = try EventWriter(database: try file.open())
        var factory = EventFactory(seed: seed)
        var sent: [Event] = []
        var generator = SeededGenerator(seed: seed &* 31)
        while sent.count < 1500 {
            let batch: [Event]
            switch Int.random(in: 0..<10, using: &generator) {
            case 0 where !sent.isEmpty:
                // Replay a stretch already sent (a reconcile re-reading history).
                let start = Int.random(in: 0..<sent.count, using: &generator)
                batch = Array(sent[start..<min(sent.count, start + 40)])
            case 1:
                // Reopen: a restarted bot must load exactly what it left.
                writer = try EventWriter(database: try file.open())
                continue
            default:
                batch = factory.sequence(count: Int.random(in: 1...60, using: &generator))
            }
            try writer.append(batch)
            sent += batch
        }
        let database = writer.database
        let incremental = try ProjectionStore(database: database).load()
        let fromEvents = try EventWriter.replay(EventStore(database: database)).state
        #expect(incremental == writer.state)
        #expect(incremental == fromEvents, "seed \(seed)")

        let replayed = try writer.rebuildProjections()
        #expect(replayed == (try writer.events.count()))
        #expect(try ProjectionStore(database: database).load() == incremental, "rebuild differs, seed \(seed)")
        #expect(incremental.lastSeq == (try writer.events.lastSeq()))
        #expect(!incremental.orders.isEmpty && !incremental.pnl.isEmpty && !incremental.positions.isEmpty)
    }

    @Test("finished orders beyond the working set leave memory, yet the tables equal a writer that keeps them all", arguments: StoreKind.allCases)
    func trimmedOrdersReadBack(kind: StoreKind) throws {
        let trimmedFile = try TestDatabase(kind), fullFile = try TestDatabase(kind)
        var trimmed = try EventWriter(database: try trimmedFile.open(), residentTerminalOrders: 5)
        let full = try EventWriter(database: try fullFile.open(), residentTerminalOrders: 1_000_000)
        var factory = EventFactory(seed: 23)
        for round in 0..<40 {
            // Copies of earlier facts name trimmed orders again: they must be read back, not re-created.
            let batch = factory.sequence(count: 50)
            try trimmed.append(batch)
            try full.append(batch)
            let finishedInMemory = trimmed.state.orders.values.filter { $0.status.isTerminal }.count
            #expect(finishedInMemory <= 10, "round \(round): \(finishedInMemory) finished orders resident")
            if round == 20 { trimmed = try EventWriter(database: try trimmedFile.open(), residentTerminalOrders: 5) }  // a restart loads the working set only
        }
        let fullTables = try ProjectionStore(database: full.database).load()
        #expect(fullTables.orders.count > 100)
        #expect(try ProjectionStore(database: trimmed.database).load() == fullTables)
        #expect(trimmed.state.orders.count < fullTables.orders.count)
        #expect(trimmed.state.orders.values.allSatisfy { fullTables.orders[$0.clientOrderID] == $0 })
        // Every open order is resident.
        #expect(fullTables.orders.values.filter { !$0.status.isTerminal }.allSatisfy { trimmed.state.orders[$0.clientOrderID] != nil })

        // A stale update for a trimmed, filled order (a late copy under another key) must be
        // judged against the stored order and ignored, as the full writer ignores it.
        var gone = try #require(fullTables.orders.values.first { $0.status == .filled && trimmed.state.orders[$0.clientOrderID] == nil })
        gone.status = .partiallyFilled
        gone.time += 1
        let stale = Event(type: .orderUpdated, source: .rest, entityKind: .order, entityID: gone.clientOrderID, scope: Scope(on: .binanceUSDM, mode: .sim),
                          dedupKey: "order:late:\(gone.clientOrderID)", payload: gone.json)
        try trimmed.append(stale)
        try full.append(stale)
        #expect(try ProjectionStore(database: trimmed.database).load() == (try ProjectionStore(database: full.database).load()))
        #expect(try ProjectionStore(database: trimmed.database).order(clientOrderID: gone.clientOrderID)?.status == .filled)
    }

    @Test(arguments: StoreKind.allCases) func catchUpAppliesEventsPastTheCheckpoint(kind: StoreKind) throws {
        let file = try TestDatabase(kind)
        let writer = try EventWriter(database: try file.open())
        var factory = EventFactory(seed: 11)
        try writer.append(factory.sequence(count: 200))
        let expected = writer.state
        // Simulate projections left behind (a restored backup): reset the checkpoint and tables.
        try writer.database.execute("""
            DELETE FROM projection_orders; DELETE FROM projection_positions; DELETE FROM projection_balances;
            DELETE FROM projection_pnl_daily; DELETE FROM projection_status; DELETE FROM projection_holdings;
            DELETE FROM projection_quarantines; DELETE FROM projection_cost_basis; UPDATE projection_checkpoint SET last_seq = 0;
            """)
        let restarted = try EventWriter(database: try file.open())
        #expect(restarted.state == expected)
        #expect(try ProjectionStore(database: restarted.database).load() == expected)
    }

    @Test("holdings and quarantines are stored with their events: a reload and a rebuild both equal the live state; an ended quarantine's row is gone", arguments: StoreKind.allCases)
    func holdingsAndQuarantinesPersist(kind: StoreKind) throws {
        let file = try TestDatabase(kind)
        let writer = try EventWriter(database: try file.open())
        let scope = Scope(on: .binanceUSDM, mode: .sim)
        let filled = OrderPayload(symbol: "BTCUSDT", clientOrderID: "ae-9", orderID: "9", side: .buy, type: .market, status: .filled,
                                  price: .zero, quantity: Amount("0.3")!, filledQuantity: Amount("0.3")!, time: 1)
        let started = QuarantineStartedPayload(quarantineID: "q1", symbol: "ETHUSDT", cause: .outsidePosition, reason: "by hand",
                                               exchangeAmount: Amount("2")!, ownedAmount: .zero, time: 2)
        let ignored = QuarantineCompletedPayload(quarantineID: "q1", symbol: "ETHUSDT", action: .ignore, by: "user:ana", detail: "-",
                                                 ownedAfter: nil, time: 3)
        try writer.append([
            Event(type: .orderUpdated, source: .rest, entityKind: .order, entityID: "ae-9", scope: scope, dedupKey: "o9", payload: filled.json),
            Event(type: .quarantineStarted, source: .bot, entityKind: .quarantine, entityID: "ETHUSDT", scope: scope, dedupKey: "q1s",
                  payload: started.json),
            Event(type: .quarantineCompleted, source: .bot, entityKind: .quarantine, entityID: "ETHUSDT", scope: scope, dedupKey: "q1i",
                  payload: ignored.json),
        ])
        #expect(writer.state.holdings == ["BTCUSDT": Amount("0.3")!] && writer.state.quarantines["ETHUSDT"]?.status == .ignored)
        #expect(try ProjectionStore(database: writer.database).load() == writer.state)
        #expect(try EventWriter.replay(EventStore(database: writer.database)).state == writer.state)
        var adopted = ignored
        adopted.action = .adopt
        adopted.ownedAfter = Amount("2")
        try writer.append(Event(type: .quarantineCompleted, source: .bot, entityKind: .quarantine, entityID: "ETHUSDT", scope: scope,
                                dedupKey: "q1a", payload: adopted.json))
        let reloaded = try ProjectionStore(database: writer.database).load()
        #expect(reloaded.quarantines.isEmpty && reloaded.holdings["ETHUSDT"] == Amount("2")! && reloaded == writer.state)
        #expect(try writer.rebuildProjections() == 4 && (try ProjectionStore(database: writer.database).load()) == writer.state)
    }

    @Test func refusesADatabaseFromANewerVersion() throws {
        let file = try TestDatabase(.sqlite)
        try file.openSQLite().execute("PRAGMA user_version = 99")
        #expect(throws: StoreError.newerSchema(found: 99, supported: Schema.latestVersion)) { _ = try file.open() }
    }

    @Test func postgresRefusesADatabaseFromANewerVersion() throws {
        let file = try TestDatabase(.postgresql)
        try file.open().execute("UPDATE schema_version SET version = 99")
        #expect(throws: StoreError.newerSchema(found: 99, supported: PostgresSchema.latestVersion)) { _ = try file.open() }
    }
}
