/// A symbol AlphaEngine's strategy keeps away from because someone else is trading it
/// (issue 15: the user outranks the strategy). Active until a user adopts, closes or ignores;
/// an ignored one stays, keeping the strategy off the symbol, until a user adopts it.
public struct Quarantine: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case active = "ACTIVE", ignored = "IGNORED"
    }

    public var started: QuarantineStartedPayload
    public var status: Status
    /// Who ignored it, and when (ignored only).
    public var ignoredBy: String?
    public var ignoredAt: Int64?

    public init(started: QuarantineStartedPayload, status: Status = .active, ignoredBy: String? = nil, ignoredAt: Int64? = nil) {
        self.started = started
        self.status = status
        self.ignoredBy = ignoredBy
        self.ignoredAt = ignoredAt
    }

    public var id: String { started.quarantineID }
    public var symbol: String { started.symbol }

    public init(json: JSONObject) throws(PayloadError) {
        started = try QuarantineStartedPayload(json: try json.object("started"))
        status = try json.choice("status", as: Status.self)
        ignoredBy = try json.optionalString("ignoredBy")
        ignoredAt = try json.optionalInt64("ignoredAt")
    }

    public var json: JSONObject {
        var object: JSONObject = ["started": .object(started.json), "status": .string(status.rawValue)]
        if let ignoredBy { object["ignoredBy"] = .string(ignoredBy) }
        if let ignoredAt { object["ignoredAt"] = .int(ignoredAt) }
        return object
    }
}

extension ProjectionState {
    /// Whether the strategy must leave `symbol` alone: a quarantine is active or was ignored.
    public func isQuarantined(_ symbol: String) -> Bool { quarantines[symbol] != nil }

    /// The part of the exchange's position in `symbol` that our own fills explain.
    public func ownedAmount(_ symbol: String) -> Amount { holdings[symbol] ?? .zero }

    /// The symbol's open orders that AlphaEngine did not place.
    public func outsideOpenOrders(_ symbol: String) -> [OrderPayload] {
        orders.values.filter { $0.symbol == symbol && $0.status.isOpen && !ClientOrderID.isOurs($0.clientOrderID) }
            .sorted { $0.clientOrderID < $1.clientOrderID }
    }
}
