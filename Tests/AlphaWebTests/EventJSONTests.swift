import AlphaCore
import AlphaJSON
import AlphaStore
import AlphaTestSupport
@testable import AlphaWeb
import Foundation
import Testing

@Suite("Event JSON written from stored rows")
struct EventJSONTests {
    @Test("for 3 000 seeded random events, the row path (payload passed through) writes exactly the bytes of the decoded path")
    func samebytes() throws {
        let world = try WebWorld()
        var factory = EventFactory(seed: 2026, maxStepMilliseconds: 63_000, maxOpenOrders: 20)
        try world.writer.append((0..<3_000).map { _ in factory.next() })
        // Text that needs escaping, in every optional place.
        _ = try world.writer.append(Event(type: .enginePaused, causationID: "c\"\\\n", commandID: nil, source: .web, entityKind: .engine,
                                          entityID: "é \u{1F600} \t", scope: Scope(on: .binanceUSDM, symbol: nil, mode: .sim), dedupKey: "test:escapes",
                                          payload: ["reason": .string("quote \" backslash \\ newline \n ctrl \u{01}")]))
        let store = EventStore(database: world.database)
        let decoded = try store.events(matching: EventFilter(), limit: 10_000)
        var fromRows: [[UInt8]] = []
        try store.forEachRow(matching: EventFilter(), limit: 10_000) { row in
            var writer = JSONWriter()
            APIJSON.writeEvent(row, into: &writer)
            fromRows.append(writer.bytes)
        }
        #expect(fromRows.count == decoded.count && decoded.count > 3_000)
        for (event, bytes) in zip(decoded, fromRows) {
            var writer = JSONWriter()
            writer.write(APIJSON.event(event))
            #expect(writer.bytes == bytes, "seq \(event.seq ?? 0): \(String(decoding: bytes, as: UTF8.self))")
            if writer.bytes != bytes { break }
        }
    }
}
