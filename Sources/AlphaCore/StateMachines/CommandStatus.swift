/// A command's status (DESIGN §4). Claiming moves NEW to SENT durably before any request leaves,
/// so a crash leaves evidence that the outcome must be checked with the exchange. ACK and FAILED
/// are final. NEW may fail directly when validation rejects the command before it is claimed.
public enum CommandStatus: String, StateMachine {
    case new = "NEW"
    case sent = "SENT"
    case acknowledged = "ACK"
    case failed = "FAILED"

    public static let legalMoves: [CommandStatus: Set<CommandStatus>] = [
        .new: [.sent, .failed],
        .sent: [.acknowledged, .failed],
    ]

    /// Not settled yet: waiting to be claimed, or claimed and in flight.
    public var isOpenCommand: Bool { self == .new || self == .sent }
}
