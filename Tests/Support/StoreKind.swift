import Testing

/// The two engines a store runs on: every suite that takes one runs on both.
public enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgresql
    public var testDescription: String { rawValue }
}
