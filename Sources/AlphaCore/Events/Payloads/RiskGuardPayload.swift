/// RiskGuardRejected: a command the pre-trade check refused before any request left.
public struct RiskGuardRejectedPayload: Payload {
    public var commandID: String
    public var commandType: CommandType
    public var actor: String
    public var rule: String
    public var reason: String

    public init(commandID: String, commandType: CommandType, actor: String, rule: String, reason: String) {
        self.commandID = commandID
        self.commandType = commandType
        self.actor = actor
        self.rule = rule
        self.reason = reason
    }

    public init(json: JSONObject) throws(PayloadError) {
        commandID = try json.string("commandId")
        commandType = try json.choice("commandType", as: CommandType.self)
        actor = try json.string("actor")
        rule = try json.string("rule")
        reason = try json.string("reason")
    }

    public var json: JSONObject {
        ["commandId": .string(commandID), "commandType": .string(commandType.rawValue), "actor": .string(actor),
         "rule": .string(rule), "reason": .string(reason)]
    }
}
