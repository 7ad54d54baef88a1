import AlphaTestSupport
import AlphaCore
import Testing
@testable import AlphaStore

@Suite struct ConfigStoreTests {
    @Test(arguments: StoreKind.allCases) func versionsAndOptimisticConcurrency(kind: StoreKind) throws {
        let file = try TestDatabase(kind)
        let store = ConfigStore(database: try file.open())
        let defaults = try store.runtime()
        #expect(defaults.version == 0 && defaults.value == RuntimeConfig())

        var config = RuntimeConfig()
        config.symbol = "BTCUSDT"
        #expect(try store.updateRuntime(config, expectedVersion: 0, by: "web:admin") == 1)
        #expect(try store.runtime().value.symbol == "BTCUSDT")
        #expect(try store.runtime().updatedBy == "web:admin")
        // A second editor who loaded version 0 loses, with a message that says what to do.
        #expect(throws: StoreError.versionConflict(key: "runtime", expected: 0, actual: 1)) {
            try store.updateRuntime(RuntimeConfig(), expectedVersion: 0, by: "web:other")
        }
        #expect(try store.updateRuntime(RuntimeConfig(), expectedVersion: 1, by: "web:other") == 2)
    }

    @Test(arguments: StoreKind.allCases) func configChangeAndItsEventCommitTogetherOrNotAtAll(kind: StoreKind) throws {
        let file = try TestDatabase(kind)
        let writer = try EventWriter(database: try file.open())
        let store = ConfigStore(database: writer.database)
        func change(version: Int64, expected: Int64) throws {
            let config = RuntimeConfig()
            let event = Event(type: .configChanged, source: .bot, entityKind: .config, entityID: "runtime",
                              scope: Scope(on: .binanceUSDM, mode: .sim), dedupKey: DedupKey.config(version: version),
                              payload: ConfigChangedPayload(version: version, config: config.json).json)
            try writer.append([event]) { try store.updateRuntime(config, expectedVersion: expected, by: "bot") }
        }
        try change(version: 1, expected: 0)
        #expect(writer.state.status.configVersion == 1)
        #expect(throws: StoreError.versionConflict(key: "runtime", expected: 0, actual: 1)) { try change(version: 2, expected: 0) }
        #expect(try writer.events.count() == 1, "the ConfigChanged of the failed update was rolled back")
        #expect(writer.state.status.configVersion == 1)
        #expect(try store.runtime().version == 1)
    }
}
