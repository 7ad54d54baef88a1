/// A finite state machine as a pure value: the legal moves are a table, and every transition either
/// returns the next state or throws `IllegalTransition` naming both ends.
public protocol StateMachine: RawRepresentable, CaseIterable, Hashable, Sendable where RawValue == String {
    /// The states each state may move to. A state missing from the table is terminal.
    static var legalMoves: [Self: Set<Self>] { get }
}

/// A transition the state machine forbids, such as an order going from FILLED back to NEW.
public struct IllegalTransition<State: StateMachine>: Error, Equatable, CustomStringConvertible {
    public let from: State
    public let to: State

    public init(from: State, to: State) {
        self.from = from
        self.to = to
    }
    public var description: String { "\(State.self) cannot move from \(from.rawValue) to \(to.rawValue)" }
}

extension StateMachine {
    public func canMove(to next: Self) -> Bool { Self.legalMoves[self]?.contains(next) ?? false }

    public func transition(to next: Self) throws(IllegalTransition<Self>) -> Self {
        guard canMove(to: next) else { throw IllegalTransition(from: self, to: next) }
        return next
    }

    /// True when no move leaves this state.
    public var isTerminal: Bool { Self.legalMoves[self]?.isEmpty ?? true }
}
