import AlphaCore
import Testing
@testable import AlphaStore

@Suite struct CommandStoreTests {
    let scope = Scope(on: .binanceUSDM, mode: .sim)

    func command(_ type: CommandType = .placeOrder, kind: Actor.Kind = .user, key: String? = nil) -> Command {
        Command(type: type, actor: Actor(kind: kind, id: "test"), scope: scope, idempotencyKey: key,
                payload: ["symbol": "BTCUSDT", "quantity": "0.010"])
    }

    @Test func repeatedIdempotencyKeyReturnsTheFirstCommand() throws {
        let file = try TestDatabase(.sqlite)
        let store = CommandStore(database: try file.open())
        let first = command(key: "click-1")
        #expect(try store.insert(first) == .inserted(first))
        let repeatOutcome = try store.insert(command(.cancelAll, key: "click-1"))
        #expect(repeatOutcome == .existing(first))
        #expect(try store.list().count == 1)
        #expect(try store.command(id: first.id) == first, "payload and every field round-trip")
    }

    @Test func claimsUserCommandsFirstThenOldest() throws {
        let file = try TestDatabase(.sqlite)
        let store = CommandStore(database: try file.open())
        let strategyOld = command(kind: .strategy)
        let system = command(.runReconcile, kind: .system)
        let userA = command(kind: .user)
        let userB = command(kind: .user)
        for item in [strategyOld, system, userA, userB] { _ = try store.insert(item) }
        let order = try (0..<4).map { _ in try store.claimNext()!.id }
        #expect(order == [userA.id, userB.id, system.id, strategyOld.id])
        #expect(try store.claimNext() == nil)
        #expect(try store.inFlight().count == 4)
        #expect(try store.command(id: userA.id)?.status == .sent)
        #expect(try store.command(id: userA.id)?.claimedAt != nil)
    }

    @Test("claiming can pass over types (exchange commands wait while rate limited) and leaves them NEW")
    func claimExcludingTypes() throws {
        let file = try TestDatabase(.sqlite)
        let store = CommandStore(database: try file.open())
        let order = command(.placeOrder)
        let cancel = command(.cancelAll)
        let pause = command(.pauseEngine)
        for item in [order, cancel, pause] { _ = try store.insert(item) }
        #expect(try store.claimNext(excluding: [.placeOrder, .cancelAll])?.id == pause.id)
        #expect(try store.claimNext(excluding: [.placeOrder, .cancelAll]) == nil)
        #expect(try store.command(id: order.id)?.status == .new)
        #expect(try store.claimNext()?.id == order.id)
    }

    @Test func statusChangesFollowTheStateMachine() throws {
        let file = try TestDatabase(.sqlite)
        let store = CommandStore(database: try file.open())
        let item = command()
        _ = try store.insert(item)
        // ACK straight from NEW skips SENT, which would lose the "may have been sent" evidence.
        #expect(throws: StoreError.illegalCommandTransition(IllegalTransition(from: .new, to: .acknowledged))) {
            try store.acknowledge(item.id)
        }
        _ = try store.claimNext()
        let acked = try store.acknowledge(item.id, result: ["orderId": 42])
        #expect(acked.status == .acknowledged && acked.result == ["orderId": 42])
        #expect(throws: StoreError.illegalCommandTransition(IllegalTransition(from: .acknowledged, to: .failed))) {
            try store.fail(item.id, error: "late")
        }
        #expect(throws: StoreError.notFound("command nope")) { try store.fail("nope", error: "x") }

        let rejected = command()
        _ = try store.insert(rejected)
        let failed = try store.fail(rejected.id, error: "quantity below the minimum")
        #expect(failed.status == .failed && failed.lastError == "quantity below the minimum")
        #expect(try store.countsByStatus() == [.acknowledged: 1, .failed: 1])
    }

    @Test func refusesMalformedCommands() throws {
        let file = try TestDatabase(.sqlite)
        let store = CommandStore(database: try file.open())
        var badID = command()
        badID.id = "123e4567-e89b-12d3-a456-426614174000"
        #expect(throws: StoreError.invalidCommand("command id must be 32 lowercase hex digits")) { try store.insert(badID) }
        #expect(throws: StoreError.self) { try store.insert(command(key: String(repeating: "k", count: 201))) }
        var sent = command()
        sent.status = .sent
        #expect(throws: StoreError.invalidCommand("a new command must have status NEW")) { try store.insert(sent) }
    }
}
