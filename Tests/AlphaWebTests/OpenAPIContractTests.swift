import AlphaCore
import AlphaStrategy
import AlphaTestSupport
import Foundation
import Testing

/// Lists in `openapi.yaml` that must say what the code says: a client reads the contract, so a
/// strategy, an event type or an entity kind missing from it would be refused or unreadable there.
@Suite("The API contract lists what the code knows")
struct OpenAPIContractTests {
    static let contract = (try? String(contentsOf: PythonPeer.repositoryRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)) ?? ""

    /// The items of the first `enum: [...]` (inline or as `- item` lines) after `marker`.
    static func list(after marker: String) -> [String] {
        guard let start = contract.range(of: marker) else { return [] }
        let rest = contract[start.upperBound...]
        guard let enumLine = rest.range(of: "enum:") else { return [] }
        let after = rest[enumLine.upperBound...]
        let trimmed = after.drop { $0 == " " }
        if trimmed.first == "[" {
            let inside = trimmed.dropFirst().prefix { $0 != "]" }
            return inside.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        return after.split(separator: "\n").prefix { $0.trimmingCharacters(in: .whitespaces).hasPrefix("- ") }
            .map { $0.trimmingCharacters(in: .whitespaces).dropFirst(2).trimmingCharacters(in: .whitespaces) }
    }

    @Test("strategy.name lists exactly the bot's catalog, none first")
    func strategyNames() {
        #expect(Self.list(after: "A test keeps this list equal to the bot's catalog.") == StrategyCatalog.names)
    }

    @Test("EventType and EntityKind list every type and kind the store may hold")
    func eventTypesAndKinds() {
        #expect(Set(Self.list(after: "    EventType:")) == Set(EventType.allCases.map(\.rawValue)))
        #expect(Set(Self.list(after: "    EntityKind:")) == Set(EntityKind.allCases.map(\.rawValue)))
    }
}
