import Foundation
import Testing

/// The two engines a store runs on: every suite that takes one runs on both.
public enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgresql
    public var testDescription: String { rawValue }

    /// The store of a test that does not choose one: SQLite, unless `ALPHAENGINE_TEST_STORE=postgresql`
    /// runs every such test on PostgreSQL (`ALPHAENGINE_TEST_STORE=postgresql swift test --filter AlphaBotTests`).
    public static var `default`: StoreKind {
        ProcessInfo.processInfo.environment["ALPHAENGINE_TEST_STORE"].flatMap(StoreKind.init(rawValue:)) ?? .sqlite
    }
}
