import AlphaCore
import AlphaExchange
import AlphaJSON
import AlphaStore
import Foundation
import Testing

/// Exchange ids became strings (schema 6). `Fixtures/b6c27f4-sim.sql` is a database made by the
/// last code with Int64 ids (`alphaengine demo` at b6c27f4, schema 4): its events hold the ids as
/// JSON numbers and its order projection as integers. Today's code must read it, and the facts it
/// holds must still catch the copies Binance sends again, or a restart after the upgrade would
/// store every fill twice.
@Suite("String exchange ids: a database made with Int64 ids migrates and its dedup keys still hold")
struct IdentifierMigrationTests {
    /// Loads the fixture into a fresh file and migrates it as the bot and the web do at start.
    func migratedFixture() throws -> (database: Database, directory: URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ids-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("old.db").path
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/b6c27f4-sim.sql")
        do {
            let old = try Database(path: path)
            try old.execute(try String(contentsOf: fixture, encoding: .utf8))
            #expect(try old.schemaVersion() == 4)
        }
        return (try Database.openMigrated(path: path), directory)
    }

    func storedEvents(_ database: Database) throws -> [Event] {
        var events: [Event] = []
        try EventStore(database: database).forEach { events.append($0) }
        return events
    }

    @Test("the migrated database reads: orders keep their ids as text, and the projections equal a replay of the events")
    func migratesAndReads() throws {
        let (database, directory) = try migratedFixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try database.schemaVersion() >= 6)
        let types = try database.statement("SELECT DISTINCT typeof(order_id) FROM projection_orders").rows([]) { $0.text(0) }
        #expect(types == ["text"])

        let stored = try ProjectionStore(database: database).load()
        let orderIDs = stored.orders.values.compactMap(\.orderID).sorted()
        #expect(orderIDs == ["1000001", "1000002", "1000003", "1000004"])
        let resting = try #require(stored.orders.values.first { $0.status == .acknowledged })
        #expect(resting.orderID == "1000003" && resting.price == Amount("40000")!)
        #expect(try EventWriter.replay(EventStore(database: database)).state == stored)
    }

    @Test("every stored key is the key today's code makes for the same fact, so Binance's copies collide with the stored ones")
    func dedupKeysStayValid() throws {
        let (database, directory) = try migratedFixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let events = try storedEvents(database)
        let trades = try events.filter { $0.type == .tradeExecuted }.map { try TradePayload(json: $0.payload) }
        #expect(trades.map(\.tradeID) == ["1", "2"] && trades.map(\.orderID) == ["1000001", "1000002"])
        var checked = 0
        for event in events {
            // The bot's own records of an order not yet answered are keyed by client id (localOrder).
            let key: String? = switch event.type {
            case .tradeExecuted: try TradePayload(json: event.payload).dedupKey
            case .feeCharged: try FeePayload(json: event.payload).dedupKey
            case .fundingApplied: try FundingPayload(json: event.payload).dedupKey
            case .orderPlaced, .orderUpdated, .orderCancelled: event.source == .bot ? nil : try OrderPayload(json: event.payload).dedupKey
            default: nil
            }
            guard let key else { continue }
            #expect(key == event.dedupKey, "\(event.type.rawValue) seq \(event.seq ?? 0)")
            checked += 1
        }
        #expect(checked >= 12)

        // What Binance would answer again after the upgrade: userTrades rows, the resting order
        // and the funding line, with numeric ids as Binance writes them.
        let writer = try EventWriter(database: database)
        let scope = Scope(on: .binanceUSDM, mode: .sim)
        let fees = try events.filter { $0.type == .feeCharged }.map { try FeePayload(json: $0.payload) }
        let rows: [JSONValue] = zip(trades, fees).map { trade, fee in
            .object(["symbol": .string(trade.symbol), "id": .number(trade.tradeID), "orderId": .number(trade.orderID),
                     "side": .string(trade.side.rawValue), "price": .amount(trade.price), "qty": .amount(trade.quantity),
                     "realizedPnl": .amount(trade.realizedPnl), "maker": .bool(trade.maker), "time": .int(trade.time),
                     "commission": .amount(fee.amount), "commissionAsset": .string(fee.asset)])
        }
        let resting = try #require(try ProjectionStore(database: database).load().orders.values.first { $0.status == .acknowledged })
        let orderRow: JSONObject = [
            "symbol": .string(resting.symbol), "clientOrderId": .string(resting.clientOrderID), "orderId": .number(resting.orderID ?? ""),
            "side": .string(resting.side.rawValue), "type": .string(resting.type.rawValue), "status": "NEW",
            "price": .amount(resting.price), "origQty": .amount(resting.quantity), "executedQty": "0", "avgPrice": "0",
            "reduceOnly": .bool(resting.reduceOnly), "updateTime": .int(resting.time),
        ]
        let funding = try FundingPayload(json: try #require(events.first { $0.type == .fundingApplied }).payload)
        let incomeRow: JSONValue = .object([
            "symbol": .string(funding.symbol), "incomeType": "FUNDING_FEE", "income": .amount(funding.amount),
            "asset": .string(funding.asset), "tranId": .number(funding.transactionID), "time": .int(funding.time),
        ])
        let copies = try BinanceEventTranslator.events(fromUserTrades: rows, scope: scope)
            + [try BinanceEventTranslator.event(fromRESTOrder: orderRow, scope: scope)]
            + (try BinanceEventTranslator.events(fromIncome: [incomeRow], scope: scope))
        #expect(copies.count == 6)
        let outcomes = try writer.append(copies)
        #expect(outcomes.allSatisfy { $0.isDuplicate }, "\(outcomes)")
        #expect(try storedEvents(database).count == events.count)
    }

    @Test("after the migration, new facts are written with string ids and land on the old rows")
    func newFactsUseStrings() throws {
        let (database, directory) = try migratedFixture()
        defer { try? FileManager.default.removeItem(at: directory) }
        let writer = try EventWriter(database: database)
        var resting = try #require(writer.state.orders.values.first { $0.status == .acknowledged })
        resting.status = .filled
        resting.filledQuantity = resting.quantity
        resting.averagePrice = resting.price
        resting.time += 1
        let event = Event(type: .orderUpdated, source: .rest, entityKind: .order, entityID: resting.clientOrderID,
                          scope: Scope(on: .binanceUSDM, symbol: resting.symbol, mode: .sim), dedupKey: resting.dedupKey,
                          payload: resting.json)
        #expect(try writer.append(event).isDuplicate == false)
        #expect(resting.json["orderId"] == .string("1000003"))
        let reread = try #require(try ProjectionStore(database: database).order(clientOrderID: resting.clientOrderID))
        #expect(reread.orderID == "1000003" && reread.status == .filled)
        #expect(try EventWriter.replay(EventStore(database: database)).state.orders[resting.clientOrderID] == reread)
    }
}

/// The key each payload's fact is stored under, as the translators build it.
private extension TradePayload { var dedupKey: String { DedupKey.trade(symbol: symbol, tradeID: tradeID) } }
private extension FeePayload { var dedupKey: String { DedupKey.fee(symbol: symbol, tradeID: tradeID) } }
private extension FundingPayload { var dedupKey: String { DedupKey.funding(symbol: symbol, transactionID: transactionID) } }
private extension OrderPayload {
    var dedupKey: String { DedupKey.order(symbol: symbol, orderID: orderID ?? "0", status: status, filledQuantity: filledQuantity) }
}
