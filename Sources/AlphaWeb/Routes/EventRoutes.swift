import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaStore

/// The event log, filtered and paged by seq, oldest or newest first: `next` is the `after` (or,
/// newest first, the `before`) of the following page.
extension WebAPI {
    func addEventRoutes(to router: inout Router) {
        add(&router, "GET", "/api/events", .viewer) { context in
            var query = QueryReader(context.request, accepts: ["after", "before", "order", "limit", "type", "entityKind", "entityId", "from", "until"])
            var filter = EventFilter()
            let page = query.seqPage()
            (filter.afterSeq, filter.beforeSeq, filter.newestFirst) = (page.after, page.before, page.newestFirst)
            let limit = Int(query.integer("limit", in: 1...1000) ?? 100)
            filter.types = query.choices("type", as: EventType.self)
            filter.entityKind = query.choice("entityKind", as: EntityKind.self)
            filter.entityID = query.string("entityId")
            filter.from = query.time("from")
            filter.until = query.time("until")
            try query.finish()
            // Written straight from the rows, payloads passed through as stored.
            var writer = JSONWriter(capacity: 64 * 1024)
            var count = 0
            var last: Int64 = 0
            writer.beginObject()
            writer.key("events")
            writer.beginArray()
            try context.storage.events.forEachRow(matching: filter, limit: limit) { row in
                APIJSON.writeEvent(row, into: &writer)
                count += 1
                last = row.seq
            }
            writer.endArray()
            writer.key("next")
            if count == limit { writer.value(last) } else { writer.valueNull() }
            writer.endObject()
            return .json(bytes: writer.bytes)
        }
        add(&router, "GET", "/api/events/:seq", .viewer) { context in
            try QueryReader(context.request, accepts: []).finish()
            guard let seq = Int64(context.request.pathParameters["seq"] ?? ""), seq > 0 else {
                throw APIFailure.invalid("seq", "must be a whole number from 1")
            }
            guard let event = try context.storage.events.event(seq: seq) else {
                throw APIFailure.notFound("no event with seq \(seq)")
            }
            return .json(APIJSON.event(event))
        }
    }
}
