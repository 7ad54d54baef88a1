import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// The PostgreSQL connection under the coming fleet backend (issue 19), against a scratch cluster
/// of Debian's PostgreSQL started for the suite and removed after.
@Suite("PostgreSQL connection (libpq)", .serialized)
struct PostgresConnectionTests {
    @Test("parameterized statements keep decimal text exact; NULL round-trips; a unique key taken is SQLSTATE 23505; a transaction that throws leaves nothing")
    func statementsAndTransactions() throws {
        let cluster = try ScratchPostgres()
        let connection = try PostgresConnection(url: cluster.url)
        try connection.execute("CREATE TABLE fills (id TEXT PRIMARY KEY, price NUMERIC NOT NULL, note TEXT)")
        try connection.execute("INSERT INTO fills (id, price, note) VALUES ($1, $2, $3)", ["t1", "140000000.00000001", nil])
        #expect(try connection.execute("SELECT id, price::text, note FROM fills") == [["t1", "140000000.00000001", nil]])
        do {
            try connection.execute("INSERT INTO fills (id, price) VALUES ($1, $2)", ["t1", "1"])
            Issue.record("a second t1 was accepted")
        } catch {
            #expect(error.isUniqueViolation, "\(error)")
        }
        struct Abort: Error {}
        #expect(throws: Abort.self) {
            try connection.transaction {
                try connection.execute("INSERT INTO fills (id, price) VALUES ($1, $2)", ["t2", "2"])
                throw Abort()
            }
        }
        #expect(try connection.execute("SELECT count(*) FROM fills") == [["1"]])
        try connection.transaction { try connection.execute("INSERT INTO fills (id, price) VALUES ($1, $2)", ["t3", "3"]) }
        #expect(try connection.execute("SELECT id FROM fills ORDER BY id") == [["t1"], ["t3"]])
    }

    @Test("LISTEN/NOTIFY: a listener sleeps on the socket and wakes with the payload; a notification inside a transaction arrives only at its commit")
    func listenNotify() throws {
        let cluster = try ScratchPostgres()
        let listener = try PostgresConnection(url: cluster.url)
        let sender = try PostgresConnection(url: cluster.url)
        try listener.listen("alphaengine_events")
        #expect(try listener.notifications(timeoutMilliseconds: 50).isEmpty)
        try sender.notify("alphaengine_events", payload: "seq=41")
        #expect(try listener.notifications(timeoutMilliseconds: 5_000) == [.init(channel: "alphaengine_events", payload: "seq=41")])
        try sender.execute("BEGIN")
        try sender.notify("alphaengine_events", payload: "seq=42")
        #expect(try listener.notifications(timeoutMilliseconds: 200).isEmpty, "not before the commit")
        try sender.execute("COMMIT")
        #expect(try listener.notifications(timeoutMilliseconds: 5_000).map(\.payload) == ["seq=42"])
        #expect(throws: PostgresError.self) { try listener.listen("events; DROP TABLE x") }
    }

    @Test("a refused connection says why without repeating the URL (it may hold a password)")
    func refusedConnection() throws {
        let cluster = try ScratchPostgres()
        cluster.stop()
        do {
            _ = try PostgresConnection(url: "postgresql://postgres:s3cret-pw@127.0.0.1:\(cluster.port)/alphaengine?connect_timeout=2")
            Issue.record("connected to a stopped server")
        } catch {
            #expect(error.message.hasPrefix("cannot connect") && !error.description.contains("s3cret-pw"), "\(error)")
        }
        try cluster.restart()
        #expect(try PostgresConnection(url: cluster.url).execute("SELECT 1") == [["1"]])
    }
}
