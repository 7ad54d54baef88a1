/// The strategy's view of a position (seed §2.3): flat, entering (an entry order in flight), open,
/// exiting (a closing order in flight). An entry that is cancelled returns to FLAT; an exit that
/// is cancelled or only partly filled returns to OPEN.
public enum PositionState: String, StateMachine {
    case flat = "FLAT"
    case entering = "ENTERING"
    case open = "OPEN"
    case exiting = "EXITING"

    public static let legalMoves: [PositionState: Set<PositionState>] = [
        .flat: [.entering],
        .entering: [.open, .flat],
        .open: [.exiting],
        .exiting: [.flat, .open],
    ]
}
