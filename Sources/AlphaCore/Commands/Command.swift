/// A request to change state (DESIGN §4): inserted by the web, the strategy runner or the bot
/// itself, claimed and carried out only by the bot.
public struct Command: Sendable, Hashable {
    public var id: String
    public var type: CommandType
    public var ts: Timestamp
    public var correlationID: String
    public var causationID: String?
    public var actor: Actor
    public var scope: Scope
    /// A repeat insert with the same key returns the first command instead of adding another.
    public var idempotencyKey: String
    public var status: CommandStatus
    /// Higher runs first; see `Priority`.
    public var priority: Int
    public var payload: JSONObject
    public var result: JSONObject?
    public var lastError: String?
    public var claimedAt: Timestamp?
    public var updatedAt: Timestamp

    public init(
        id: String = Identifier.random(), type: CommandType, ts: Timestamp = .now(),
        correlationID: String = Identifier.random(), causationID: String? = nil, actor: Actor, scope: Scope,
        idempotencyKey: String? = nil, status: CommandStatus = .new, priority: Int? = nil,
        payload: JSONObject = JSONObject(), result: JSONObject? = nil, lastError: String? = nil,
        claimedAt: Timestamp? = nil, updatedAt: Timestamp? = nil
    ) {
        self.id = id
        self.type = type
        self.ts = ts
        self.correlationID = correlationID
        self.causationID = causationID
        self.actor = actor
        self.scope = scope
        self.idempotencyKey = idempotencyKey ?? id
        self.status = status
        self.priority = priority ?? Priority.default(for: actor.kind)
        self.payload = payload
        self.result = result
        self.lastError = lastError
        self.claimedAt = claimedAt
        self.updatedAt = updatedAt ?? ts
    }

    /// The client order id of the order this command places: stable across retries and restarts.
    /// Throws only for a command id that is not 32 hex digits (the store refuses those).
    public var clientOrderID: ClientOrderID {
        get throws(ClientOrderID.Invalid) { try ClientOrderID(commandID: id) }
    }
}

/// User commands run before system commands, which run before strategy commands (DESIGN §6).
public enum Priority {
    public static let user = 100
    public static let system = 50
    public static let strategy = 0

    public static func `default`(for kind: Actor.Kind) -> Int {
        switch kind {
        case .user: user
        case .system: system
        case .strategy: strategy
        }
    }
}
