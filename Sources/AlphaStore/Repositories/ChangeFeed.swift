/// Tells a reader that another process has committed: the bot learns of new commands, the web's
/// and the CLI's tails of new events. SQLite's `data_version` and inotify today; PostgreSQL's
/// LISTEN/NOTIFY later, behind the same two calls.
public protocol ChangeFeed: AnyObject {
    /// Whether another connection has committed since the last call (true on the first call).
    func hasChanged() throws -> Bool
    /// The last change was not handled (a read failed): the next `hasChanged` says true again.
    func forget()
    /// Blocks until another process may have committed, or for at most `milliseconds`.
    func wait(milliseconds: Int32)
}
