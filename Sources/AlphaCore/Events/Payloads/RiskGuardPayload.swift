/// RiskGuardRejected: an order refused before any request left, by the pre-trade check (a
/// command, which then fails) or by the risk guard in the strategy runner (a decision, which then
/// becomes no command). It names the rule, and for a limit the figure measured and the limit.
public struct RiskGuardRejectedPayload: Payload {
    /// The refused command; nil for a strategy decision refused before it became one.
    public var commandID: String?
    public var commandType: CommandType?
    /// "user:admin", "strategy:sma_cross".
    public var actor: String
    public var rule: String
    public var reason: String
    /// The figure the rule measured and the limit it was held against, as decimal strings.
    public var measured: Amount?
    public var limit: Amount?

    public init(commandID: String?, commandType: CommandType?, actor: String, rule: String, reason: String,
                measured: Amount? = nil, limit: Amount? = nil) {
        self.commandID = commandID
        self.commandType = commandType
        self.actor = actor
        self.rule = rule
        self.reason = reason
        self.measured = measured
        self.limit = limit
    }

    public init(json: JSONObject) throws(PayloadError) {
        commandID = try json.optionalString("commandId")
        commandType = try json.optionalString("commandType").map { text throws(PayloadError) in
            guard let type = CommandType(rawValue: text) else { throw .invalidValue(field: "commandType", reason: "unknown command type") }
            return type
        }
        actor = try json.string("actor")
        rule = try json.string("rule")
        reason = try json.string("reason")
        measured = try json.optionalAmount("measured")
        limit = try json.optionalAmount("limit")
    }

    public var json: JSONObject {
        var object: JSONObject = ["actor": .string(actor), "rule": .string(rule), "reason": .string(reason)]
        if let commandID { object["commandId"] = .string(commandID) }
        if let commandType { object["commandType"] = .string(commandType.rawValue) }
        if let measured { object["measured"] = .amount(measured) }
        if let limit { object["limit"] = .amount(limit) }
        return object
    }
}
