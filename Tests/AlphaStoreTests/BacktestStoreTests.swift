import AlphaTestSupport
import AlphaCore
import Testing
@testable import AlphaStore

@Suite("Backtest runs: recorded once, finished or failed once, paged newest first; a run a stopped bot left is failed at boot")
struct BacktestStoreTests {
    func run(_ id: String, at minute: Int64) -> BacktestRun {
        BacktestRun(id: id, createdAt: Timestamp(millisecondsSinceEpoch: 1_767_225_600_000 + minute * 60_000), requestedBy: "web:ana",
                    strategy: "sma_cross", request: ["strategy": "sma_cross"])
    }

    @Test("start is once per id; finish and fail only move a RUNNING run; failRunning ends what is left; pages go back by id", arguments: StoreKind.allCases)
    func lifecycle(kind: StoreKind) throws {
        let file = try TestDatabase(kind)
        let store = BacktestStore(database: try file.open())
        #expect(try store.start(run("a", at: 0)) && store.start(run("b", at: 1)) && store.start(run("c", at: 2)))
        #expect(try store.start(run("a", at: 5)) == false, "a command handled twice records one run")
        let now = Timestamp(millisecondsSinceEpoch: 1_767_229_200_000)
        try store.finish(id: "a", summary: ["metrics": .object(["trades": .number("3")])], report: #"{"trades":[]}"#, now: now)
        try store.fail(id: "a", error: "late", now: now)  // already DONE: unchanged
        try store.fail(id: "b", error: "no candles", now: now)
        #expect(try store.failRunning(reason: "the bot stopped", now: now) == 1)
        let a = try #require(try store.run(id: "a"))
        #expect(a.status == .done && a.error == nil && a.summary?["metrics"] != nil && a.finishedAt == now)
        #expect(try store.report(id: "a") == #"{"trades":[]}"#)
        #expect(try store.run(id: "b")?.error == "no candles" && store.report(id: "b") == nil)
        #expect(try store.run(id: "c")?.status == .failed && store.run(id: "c")?.error == "the bot stopped")
        #expect(try store.runs(before: nil, limit: 2).map(\.id) == ["c", "b"])
        #expect(try store.runs(before: "b", limit: 2).map(\.id) == ["a"])
        #expect(try store.runs(before: "nothing", limit: 2).isEmpty)
    }
}
