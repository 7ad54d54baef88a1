import AlphaCore
import AlphaStore
import AlphaTestSupport
import Foundation
import Synchronization
import Testing

/// The command queue on PostgreSQL (issue 19) against a scratch cluster: what SQLite's queue
/// promises, and claims exactly once between connections that race for them.
@Suite("PostgreSQL command store", .serialized)
struct PostgresCommandStoreTests {
    static func order(_ index: Int, key: String? = nil) -> Command {
        Command(type: .placeOrder, actor: Actor(kind: .user, id: "web:ana"), scope: Scope(on: .binanceUSDM, mode: .sim),
                idempotencyKey: key ?? "key-\(index)", payload: ["symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001"])
    }

    @Test("an idempotency key inserts once (the repeat returns the first); the state machine guards every change; lists, counts and in-flight read back")
    func queueRules() throws {
        let cluster = try ScratchPostgres()
        let store = try PostgresCommandStore(connection: try PostgresConnection(url: cluster.url))
        let first = Self.order(1, key: "same")
        #expect(try store.insert(first) == .inserted(first))
        #expect(try store.insert(Self.order(2, key: "same")).command.id == first.id, "the repeat returns the first command")
        var bad = Self.order(3)
        bad.id = "not-an-id"
        #expect(throws: StoreError.self) { try store.insert(bad) }
        #expect(throws: StoreError.self) { try store.acknowledge(first.id, result: [:], now: .now()) }  // NEW cannot go to ACK
        let second = Self.order(4)
        _ = try store.insert(second)
        let claimed = try #require(try store.claimNext(excluding: [], now: .now()))
        #expect(claimed.id == first.id && claimed.status == .sent && claimed.claimedAt != nil, "oldest first at one priority")
        #expect(try store.inFlight().map(\.id) == [first.id])
        let acked = try store.acknowledge(first.id, result: ["orderId": "7"], now: .now())
        #expect(acked.status == .acknowledged && acked.result == ["orderId": "7"])
        #expect(throws: StoreError.self) { try store.fail(first.id, error: "late", result: nil, now: .now()) }  // ACK is final
        #expect(try store.claimNext(excluding: [.placeOrder], now: .now()) == nil, "an excluded type waits")
        #expect(try store.list(status: nil, type: nil, before: nil, limit: 10).map(\.id) == [second.id, first.id])
        #expect(try store.list(status: nil, type: nil, before: second.id, limit: 10).map(\.id) == [first.id])
        #expect(try store.countsByStatus() == [.acknowledged: 1, .new: 1])
        #expect(try store.command(id: second.id) == second && store.command(idempotencyKey: "key-4") == second)
    }

    @Test("four connections race to claim 400 commands: each is claimed exactly once, none is lost")
    func exactlyOnceClaims() throws {
        let cluster = try ScratchPostgres()
        let store = try PostgresCommandStore(connection: try PostgresConnection(url: cluster.url))
        var ids = Set<String>()
        for index in 0..<400 { ids.insert(try store.insert(Self.order(index)).command.id) }
        let url = cluster.url
        let claims = Mutex<[String]>([])
        let failures = Mutex<[String]>([])
        let group = DispatchGroup()
        for _ in 0..<4 {
            group.enter()
            Thread {
                defer { group.leave() }
                do {
                    let mine = try PostgresCommandStore(connection: try PostgresConnection(url: url))
                    while let command = try mine.claimNext(excluding: [], now: .now()) {
                        _ = try mine.acknowledge(command.id, result: [:], now: .now())
                        claims.withLock { $0.append(command.id) }
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }.start()
        }
        group.wait()
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let claimed = claims.withLock { $0 }
        #expect(claimed.count == 400 && Set(claimed) == ids, "claimed \(claimed.count), distinct \(Set(claimed).count)")
        #expect(try store.countsByStatus() == [.acknowledged: 400])
    }

    @Test("an insert is announced on LISTEN: a waiting bot wakes with the command's id, not at its next poll")
    func insertWakesAListener() throws {
        let cluster = try ScratchPostgres()
        let listener = try PostgresConnection(url: cluster.url)
        let store = try PostgresCommandStore(connection: try PostgresConnection(url: cluster.url))
        try listener.listen(store.channel)
        let command = Self.order(1)
        _ = try store.insert(command)
        #expect(try listener.notifications(timeoutMilliseconds: 5_000).map(\.payload) == [command.id])
        _ = try store.insert(Self.order(2, key: "key-1"))  // a repeat inserts nothing and says nothing
        #expect(try listener.notifications(timeoutMilliseconds: 200).isEmpty)
    }

    @Test("two accounts in one database: each its own schema, tables and channel; one's commands and events are not the other's")
    func accountsAreApart() throws {
        let url = try ScratchPostgres.shared.database()
        let main = try PostgresBackend(url: url, account: "main").open(), spot = try PostgresBackend(url: url, account: "spot").open()
        let spotFeed = spot.changeFeed()
        _ = try spotFeed.hasChanged()  // the first call always says yes
        _ = try main.commands.insert(Self.order(1))
        var factory = EventFactory(seed: 3)
        let stored = try main.eventJournal().append(factory.sequence(count: 20)).filter { !$0.isDuplicate }.count
        #expect(try main.commands.list().count == 1 && main.events.count() == Int64(stored) && stored > 0)
        #expect(try spot.commands.list().isEmpty && spot.events.count() == 0 && spot.projections.load().orders.isEmpty)
        spotFeed.wait(milliseconds: 300)
        #expect(try !spotFeed.hasChanged(), "the other account's commits must not wake this one")
        _ = try spot.commands.insert(Self.order(2))
        spotFeed.wait(milliseconds: 5_000)
        #expect(try spotFeed.hasChanged())
        #expect((main as! PostgresStorage).connection.schema == "acct_main")
        #expect(throws: PostgresError.self) { _ = try PostgresConnection(url: url, account: "Main; DROP") }
    }
}

/// The change feed a bot waits on, over LISTEN/NOTIFY (issue 19).
@Suite("PostgreSQL change feed", .serialized)
struct PostgresChangeFeedTests {
    @Test("a waiting feed wakes on a command's insert (not at the end of its wait), says so once, and treats a database restart as a change")
    func wakesOnCommands() throws {
        let cluster = try ScratchPostgres()
        let store = try PostgresCommandStore(connection: try PostgresConnection(url: cluster.url))
        let feed = PostgresChangeFeed(url: cluster.url)
        #expect(try feed.hasChanged(), "the first call reads everything")
        #expect(try !feed.hasChanged())
        let url = cluster.url
        let inserter = Thread {
            usleep(200_000)
            _ = try? PostgresCommandStore(connection: try PostgresConnection(url: url)).insert(PostgresCommandStoreTests.order(1))
        }
        inserter.start()
        let started = ContinuousClock.now
        feed.wait(milliseconds: 10_000)
        let waited = ContinuousClock.now - started
        #expect(waited < .seconds(5), "woke by the notification, not the timeout (\(waited))")
        #expect(try feed.hasChanged() && !feed.hasChanged())
        #expect(try store.countsByStatus() == [.new: 1])
        // The database restarts under the feed: its wait ends, and the next turn reads again.
        cluster.stop()
        feed.wait(milliseconds: 2_000)
        try cluster.restart()
        #expect(try feed.hasChanged())
    }
}
