import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaStore

/// Outside activity and money (issue 15): the symbols in quarantine, the fund movements, and
/// withdrawals — which have their own route, because they need more than an admin: a person's
/// fresh login, withdrawals turned on in the server's file, and an allow-listed destination.
extension WebAPI {
    /// The event types that move money.
    static let fundEventTypes: Set<EventType> = [.depositDetected, .internalTransferRequested, .internalTransferCompleted, .internalTransferFailed,
                                                 .withdrawRequested, .withdrawCompleted, .withdrawFailed]

    func addOutsideActivityRoutes(to router: inout Router) {
        add(&router, "GET", "/api/quarantines", .viewer) { context in
            try QueryReader(context.request, accepts: []).finish()
            let state = try context.storage.projections.load(recentTerminalOrders: 0)
            return .json(.object(["quarantines": .array(APIJSON.quarantines(state))]))
        }
        add(&router, "GET", "/api/funds", .viewer) { context in
            var query = QueryReader(context.request, accepts: ["before", "limit"])
            let before = query.integer("before", in: 1...Int64.max)
            let limit = Int(query.integer("limit", in: 1...500) ?? 100)
            try query.finish()
            let events = try context.storage.events.events(matching: EventFilter(beforeSeq: before, newestFirst: true, types: Self.fundEventTypes),
                                                           limit: limit)
            let next: JSONValue = events.count == limit ? events.last.map { .int($0.seq ?? 0) } ?? .null : .null
            return .json(.object(["movements": .array(events.map(APIJSON.fundMovement)), "next": next]))
        }
        add(&router, "POST", "/api/withdrawals", .viewer) { [self] context in
            try QueryReader(context.request, accepts: []).finish()
            let body = try BodyReader(context.request, accepts: ["asset", "amount", "address", "network"])
            let payload = body.object
            try body.finish()
            let caller = context.caller
            // The rules in order, each refusal naming its rule; nothing is stored when one says no.
            guard caller.kind == .user else {
                throw APIFailure.forbidden("API_TOKEN: withdrawals need a person's fresh login; API tokens are read-only")
            }
            guard caller.role == .admin else { throw APIFailure.forbidden("ADMIN_ONLY: withdrawals need the admin role; you are a viewer") }
            // Said before asking for a new login: signing in again would not help.
            guard settings.withdrawals.enabled else {
                throw APIFailure.forbidden("WITHDRAWALS_DISABLED: withdrawals are off; the server's configuration file turns them on (withdrawals.enabled)")
            }
            let now = Timestamp.now().millisecondsSinceEpoch / 1000
            let age = now - (caller.issuedAt ?? 0)
            guard age <= settings.withdrawals.freshLoginSeconds else {
                throw APIFailure.forbidden("LOGIN_NOT_FRESH: you signed in \(age) s ago; withdrawals need a login from the last "
                    + "\(settings.withdrawals.freshLoginSeconds) s — sign in again")
            }
            let problems = CommandValidation.problems(.withdraw, payload, venue: context.storage.venue)
            if !problems.isEmpty { throw APIFailure.invalid(problems) }
            guard case .withdraw(let request)? = try? CommandRequest(type: .withdraw, payload: payload, venue: context.storage.venue) else {
                throw APIFailure.invalid("payload", "is not a withdrawal")
            }
            if let refusal = settings.withdrawals.check(request, actor: Actor(kind: .user, id: "web:\(caller.name)")) {
                throw APIFailure.forbidden("\(refusal.rule): \(refusal.reason)")
            }
            return try submit(.withdraw, payload: payload, context: context)
        }
    }
}

extension APIJSON {
    /// Each quarantine with what it is about now: the exchange's position, our part of it, and
    /// the outside orders still open.
    static func quarantines(_ state: ProjectionState) -> [JSONValue] {
        state.quarantines.values.sorted { $0.symbol < $1.symbol }.map { quarantine in
            let symbol = quarantine.symbol
            let position = state.positions[symbol]?.amount ?? .zero
            let owned = state.ownedAmount(symbol)
            return .object([
                "id": .string(quarantine.id), "symbol": .string(symbol), "status": .string(quarantine.status.rawValue),
                "cause": .string(quarantine.started.cause.rawValue), "reason": .string(quarantine.started.reason),
                "clientOrderId": .optional(quarantine.started.clientOrderID),
                "startedAt": .string(Timestamp(millisecondsSinceEpoch: quarantine.started.time).iso8601),
                "position": .amount(position), "ownedAmount": .amount(owned), "outsideAmount": .amount(position - owned),
                "outsideOpenOrders": .array(state.outsideOpenOrders(symbol).map { .object($0.json) }),
                "ignoredBy": .optional(quarantine.ignoredBy),
                "ignoredAt": .optional(quarantine.ignoredAt.map { Timestamp(millisecondsSinceEpoch: $0).iso8601 }),
            ])
        }
    }

    /// A fund movement: the event's type, seq and time with its payload's fields.
    static func fundMovement(_ event: Event) -> JSONValue {
        var json = event.payload
        json["seq"] = .int(event.seq ?? 0)
        json["type"] = .string(event.type.rawValue)
        json["ts"] = .string(event.ts.iso8601)
        json["commandId"] = .optional(event.commandID)
        return .object(json)
    }
}
