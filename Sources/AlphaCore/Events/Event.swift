/// An immutable fact (DESIGN §4). Stored once in `event_store`, never changed; every projection is
/// derived from the sequence of these.
public struct Event: Sendable, Hashable {
    /// Assigned by the store on append; nil for an event not yet stored.
    public var seq: Int64?
    public var id: String
    public var type: EventType
    /// When the engine recorded the fact (UTC).
    public var ts: Timestamp
    /// Ties together everything caused by one trigger (a signal, a user click, a reconcile run).
    public var correlationID: String
    /// The event or command that directly caused this one.
    public var causationID: String?
    public var commandID: String?
    public var source: EventSource
    public var entityKind: EntityKind
    public var entityID: String
    public var scope: Scope
    /// Names the fact, not the channel: see `DedupKey`.
    public var dedupKey: String
    public var payload: JSONObject

    public init(
        seq: Int64? = nil, id: String = Identifier.random(), type: EventType, ts: Timestamp = .now(),
        correlationID: String = Identifier.random(), causationID: String? = nil, commandID: String? = nil,
        source: EventSource, entityKind: EntityKind, entityID: String, scope: Scope, dedupKey: String,
        payload: JSONObject
    ) {
        self.seq = seq
        self.id = id
        self.type = type
        self.ts = ts
        self.correlationID = correlationID
        self.causationID = causationID
        self.commandID = commandID
        self.source = source
        self.entityKind = entityKind
        self.entityID = entityID
        self.scope = scope
        self.dedupKey = dedupKey
        self.payload = payload
    }
}
