/// `ChangeFeed` over PostgreSQL's LISTEN/NOTIFY (issue 19): a connection of its own listens on
/// the channels the writers notify after they commit (`alphaengine_commands` for commands), so a
/// waiting bot or web sleeps on the socket and wakes when one arrives, with no polling at all.
/// A lost connection counts as a change (what was missed is read again) and is made anew.
public final class PostgresChangeFeed: ChangeFeed {
    private let url: String
    private let account: String?
    private let channels: [String]
    private var connection: PostgresConnection?
    /// A notification (or the first call, or a reconnect) not yet reported by `hasChanged`.
    private var pending = true

    /// `channels`: each a kind (`commands`, `events`) of the account's own channels.
    public init(url: String, account: String? = nil, channels: [String] = ["commands"]) {
        self.url = url
        self.account = account
        self.channels = channels
    }

    public func hasChanged() throws -> Bool {
        do {
            if try !listening().notifications(timeoutMilliseconds: 0).isEmpty { pending = true }
        } catch {
            // Lost: report a change, so the reader reads (and meets the outage on its own connection).
            connection = nil
            pending = true
        }
        defer { pending = false }
        return pending
    }

    public func forget() { pending = true }

    public func wait(milliseconds: Int32) {
        guard !pending else { return }
        do {
            if try !listening().notifications(timeoutMilliseconds: milliseconds).isEmpty { pending = true }
        } catch {
            // The database went away: the next turn reads everything again once it is back.
            connection = nil
            pending = true
        }
    }

    /// The listening connection, made (and LISTEN sent) when there is none.
    private func listening() throws -> PostgresConnection {
        if let connection { return connection }
        let made = try PostgresConnection(url: url, account: account)
        for channel in channels { try made.listen(made.channel(channel)) }
        connection = made
        pending = true
        return made
    }
}
