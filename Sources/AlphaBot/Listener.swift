import AlphaCore
import AlphaExchange
import AlphaStore

/// Stores what the user-data stream says, at once: each message becomes its events in one
/// transaction, and copies of facts already stored (from REST, or a replayed message) collide on
/// their dedup keys instead of counting twice (DESIGN §5, the fast hint).
public final class Listener {
    private let writer: EventWriter
    private let account: any ExchangeAccount

    public init(writer: EventWriter, account: any ExchangeAccount) {
        self.writer = writer
        self.account = account
    }

    /// Appends the message's events (copies already stored collide) and returns them, so the
    /// caller can react to what the message said. A message that cannot be read is reported,
    /// not half-stored: the reconciler will fetch the same facts over REST.
    @discardableResult
    public func ingest(_ message: JSONObject) throws -> [Event] {
        let events = try account.events(fromStreamMessage: message)
        if !events.isEmpty { try writer.append(events) }
        return events
    }
}
