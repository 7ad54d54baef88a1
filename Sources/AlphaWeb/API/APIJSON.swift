import AlphaCore
import AlphaJSON
import AlphaStore

/// The API's JSON shapes (openapi.yaml, components/schemas), one function per schema, so each
/// resource looks the same wherever it appears: in a list, alone, on the dashboard or on SSE.
enum APIJSON {
    /// A position with its unrealized PnL at the latest mark price the bot has seen (the
    /// exchange's last figure when no mark is known yet), and that mark.
    static func position(_ position: PositionPayload, marks: [String: MarkPrice]) -> JSONValue {
        var json = position.json
        if let mark = marks[position.symbol] {
            json["markPrice"] = .amount(mark.price)
            json["unrealizedPnl"] = .amount(position.amount.isZero ? .zero : position.amount * (mark.price - position.entryPrice))
        }
        return .object(json)
    }

    /// The venue the account trades, so a client shows it right: spot holdings or futures
    /// positions, amounts in the quote asset, times in the venue's zone.
    static func venue(_ venue: VenueCapabilities) -> JSONValue {
        .object([
            "exchange": .string(venue.configurationName), "name": .string(venue.name), "market": .string(venue.market.rawValue),
            "quoteAsset": .string(venue.quoteAsset), "timeZone": .string(venue.displayTimeZone), "stopOrders": .bool(venue.hasStopOrders),
        ])
    }

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

    /// The same Event object as `event(_:)`, byte for byte, written straight from the stored row
    /// with its payload passed through: what event pages and the stream send.
    static func writeEvent(_ row: borrowing EventRow, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("seq"); writer.value(row.seq)
        writer.key("id"); writer.value(row.id)
        writer.key("type"); writer.value(row.type)
        writer.key("ts"); writer.value(row.ts)
        writer.key("correlationId"); writer.value(row.correlationID)
        writer.key("causationId"); optional(row.causationID, &writer)
        writer.key("commandId"); optional(row.commandID, &writer)
        writer.key("source"); writer.value(row.source)
        writer.key("entityKind"); writer.value(row.entityKind)
        writer.key("entityId"); writer.value(row.entityID)
        writer.key("scope")
        writer.beginObject()
        writer.key("exchange"); writer.value(row.exchange)
        writer.key("venue"); writer.value(row.venue)
        writer.key("accountId"); writer.value(row.accountID)
        writer.key("symbol"); optional(row.symbol, &writer)
        writer.key("mode"); writer.value(row.mode)
        writer.endObject()
        writer.key("dedupKey"); writer.value(row.dedupKey)
        writer.key("payload")
        row.withPayload { writer.value(serialized: $0) }
        writer.endObject()
    }

    private static func optional(_ text: String?, _ writer: inout JSONWriter) {
        if let text { writer.value(text) } else { writer.valueNull() }
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
    /// One symbol's order filters, decimals as strings; a bound the exchange did not give is null.
    static func symbolRules(_ stored: StoredSymbolRules) -> JSONValue {
        let rules = stored.rules
        return .object([
            "symbol": .string(rules.symbol), "tickSize": .string(rules.tickSize.description),
            "stepSize": .string(rules.stepSize.description), "minQuantity": .string(rules.minQuantity.description),
            "maxQuantity": rules.maxQuantity.map { .string($0.description) } ?? .null,
            "minNotional": rules.minNotional.map { .string($0.description) } ?? .null,
            "updatedAt": .string(stored.updatedAt.iso8601),
        ])
    }

    /// A fill as today's payload writes it: re-encoded, so fills stored when exchange ids were
    /// numbers (before schema 6) show them as strings too, as the contract says.
    static func trade(_ event: Event) -> JSONValue {
        var object = (try? TradePayload(json: event.payload).json) ?? event.payload
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
