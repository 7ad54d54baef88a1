import AlphaCore
import AlphaJSON
import AlphaStore

/// The API's JSON shapes (openapi.yaml, components/schemas), one function per schema, so each
/// resource looks the same wherever it appears: in a list, alone, on the dashboard or on SSE.
enum APIJSON {
    static func event(_ event: Event) -> JSONValue {
        .object([
            "seq": .int(event.seq ?? 0), "id": .string(event.id), "type": .string(event.type.rawValue),
            "ts": .string(event.ts.iso8601), "correlationId": .string(event.correlationID),
            "causationId": .optional(event.causationID), "commandId": .optional(event.commandID),
            "source": .string(event.source.rawValue), "entityKind": .string(event.entityKind.rawValue),
            "entityId": .string(event.entityID), "scope": scope(event.scope), "dedupKey": .string(event.dedupKey),
            "payload": .object(event.payload),
        ])
    }

    static func scope(_ scope: Scope) -> JSONValue {
        .object([
            "exchange": .string(scope.exchange), "venue": .string(scope.venue), "accountId": .string(scope.accountID),
            "symbol": .optional(scope.symbol), "mode": .string(scope.mode.rawValue),
        ])
    }

    static func command(_ command: Command) -> JSONValue {
        .object([
            "id": .string(command.id), "type": .string(command.type.rawValue), "status": .string(command.status.rawValue),
            "ts": .string(command.ts.iso8601), "updatedAt": .string(command.updatedAt.iso8601),
            "correlationId": .string(command.correlationID),
            "actor": .object(["kind": .string(command.actor.kind.rawValue), "id": .string(command.actor.id)]),
            "idempotencyKey": .string(command.idempotencyKey), "priority": .int(Int64(command.priority)),
            "payload": .object(command.payload), "result": command.result.map { .object($0) } ?? .null,
            "error": .optional(command.lastError), "claimedAt": .optional(command.claimedAt?.iso8601),
        ])
    }

    /// A trade: the TradeExecuted payload with the seq that pages through them.
    static func trade(_ event: Event) -> JSONValue {
        var object = event.payload
        object["seq"] = .int(event.seq ?? 0)
        return .object(object)
    }

    static func totals(_ totals: PnLTotals) -> JSONValue {
        .object([
            "realizedPnl": .amount(totals.realizedPnl), "fees": .amount(totals.fees), "funding": .amount(totals.funding),
            "net": .amount(totals.net), "trades": .int(totals.trades),
        ])
    }

    static func apiToken(_ token: StoredApiToken) -> JSONValue {
        .object([
            "id": .string(token.id), "name": .string(token.name), "role": .string(token.role),
            "createdBy": .string(token.createdBy), "createdAt": .string(token.createdAt.iso8601),
            "lastUsedAt": .optional(token.lastUsedAt?.iso8601), "revokedAt": .optional(token.revokedAt?.iso8601),
        ])
    }

    static func list(_ key: String, _ items: [JSONValue], next: Int64?) -> JSONValue {
        .object([key: .array(items), "next": next.map { .int($0) } ?? .null])
    }
}
