import Logging

/// Logs a failure the first time it happens and then only counts it, so a reconcile that fails
/// every second on the same cause (a changed response shape, a full disk) leaves one line, and
/// a line with the count when it stops or changes.
public struct RepeatedFailureLog {
    private var last: String?
    private var repeats = 0
    public private(set) var total = 0

    public init() {}

    public mutating func failed(_ what: String, _ error: any Error, _ log: Logger) {
        total += 1
        let text = "\(what) failed: \(error)"
        if text == last {
            repeats += 1
            return
        }
        flush(log)
        log.error("\(text)")
        last = text
    }

    /// The failures ended: say how often the last one repeated.
    public mutating func succeeded(_ log: Logger) {
        flush(log)
        last = nil
    }

    private mutating func flush(_ log: Logger) {
        if let last, repeats > 0 { log.error("\(last) (repeated \(repeats) more times)", metadata: ["count": "\(repeats + 1)"]) }
        repeats = 0
    }
}
