import AlphaCore
import AlphaStore
import Foundation
import Testing
@testable import AlphaNotify

/// What `alphaengine status` and Telegram's /status print, in the venue's terms (issue 18).
@Suite struct StatusReportTests {
    @Test("times in the venue's zone: UTC with Z on Binance, KST with its offset on Upbit")
    func venueTimes() {
        let time = Timestamp(millisecondsSinceEpoch: 1_796_660_405_000)  // 2026-12-07T16:20:05Z
        #expect(StatusReport.shown(time, zone: "UTC") == time.iso8601)
        #expect(StatusReport.shown(time, zone: "Asia/Seoul") == "2026-12-08T01:20:05+09:00")
    }

    @Test("an Upbit store's status says holdings, in KRW, with KST times")
    func upbitStatus() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("status-\(UUID().uuidString).db").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let storage = SQLiteStorage(try Database.openMigrated(path: path), venue: .upbitKRW)
        let writer = try storage.eventJournal()
        let scope = Scope(on: .upbitKRW, mode: .sim)
        let at = Timestamp(millisecondsSinceEpoch: 1_796_660_405_000)
        try writer.append([
            Event(type: .engineStarted, ts: at, source: .bot, entityKind: .engine, entityID: "engine", scope: scope, dedupKey: "boot",
                  payload: EngineStartedPayload(bootID: "b1", state: .running, mode: .normal).json),
            Event(type: .positionChanged, ts: at, source: .rest, entityKind: .position, entityID: "KRW-BTC", scope: scope, dedupKey: "p1",
                  payload: PositionPayload(symbol: "KRW-BTC", amount: Amount("0.01")!, entryPrice: Amount(140_000_000), reason: "reconcile",
                                           time: at.millisecondsSinceEpoch).json),
        ])
        let lines = Dictionary(try StatusReport.lines(storage, now: at).map { ($0.label, $0.text) }, uniquingKeysWith: { $1 })
        #expect(lines["holdings"] == "KRW-BTC 0.01 @ 140000000" && lines["positions"] == nil, "\(lines)")
        #expect(lines["engine"]?.contains("since 2026-12-08T01:20:05+09:00") == true, "\(lines)")
    }
}
