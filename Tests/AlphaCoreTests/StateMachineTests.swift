import Testing
@testable import AlphaCore

/// Every pair of states is either in the legal table or rejected with a typed error naming both.
@Suite struct StateMachineTests {
    func check<S: StateMachine>(_ type: S.Type, legal: [(S, S)]) {
        let legalSet = Set(legal.map { "\($0.0.rawValue)>\($0.1.rawValue)" })
        for from in S.allCases {
            for to in S.allCases {
                let isLegal = legalSet.contains("\(from.rawValue)>\(to.rawValue)")
                do {
                    let next = try from.transition(to: to)
                    #expect(isLegal, "\(from) → \(to) should be illegal")
                    #expect(next == to)
                } catch {
                    #expect(!isLegal, "\(from) → \(to) should be legal")
                    #expect(error == IllegalTransition(from: from, to: to))
                    #expect(error.description.contains(from.rawValue) && error.description.contains(to.rawValue))
                }
            }
        }
    }

    @Test func orderStates() {
        check(OrderState.self, legal: [
            (.new, .submitted), (.new, .rejected),
            (.submitted, .acknowledged), (.submitted, .partiallyFilled), (.submitted, .filled),
            (.submitted, .cancelled), (.submitted, .rejected), (.submitted, .expired),
            (.acknowledged, .acknowledged), (.acknowledged, .partiallyFilled), (.acknowledged, .filled),
            (.acknowledged, .cancelled), (.acknowledged, .expired),
            (.partiallyFilled, .partiallyFilled), (.partiallyFilled, .filled), (.partiallyFilled, .cancelled),
            (.partiallyFilled, .expired),
        ])
        for terminal in [OrderState.filled, .cancelled, .rejected, .expired] { #expect(terminal.isTerminal) }
        #expect(!OrderState.partiallyFilled.isTerminal)
    }

    @Test func positionStates() {
        check(PositionState.self, legal: [
            (.flat, .entering), (.entering, .open), (.entering, .flat), (.open, .exiting), (.exiting, .flat), (.exiting, .open),
        ])
    }

    @Test func engineStates() {
        check(EngineState.self, legal: [
            (.stopped, .booting),
            (.booting, .running), (.booting, .paused), (.booting, .safe), (.booting, .stopped),
            (.running, .paused), (.running, .safe), (.running, .stopped),
            (.paused, .running), (.paused, .safe), (.paused, .stopped),
            (.safe, .paused), (.safe, .stopped),
        ])
    }

    @Test func commandStatuses() {
        check(CommandStatus.self, legal: [(.new, .sent), (.new, .failed), (.sent, .acknowledged), (.sent, .failed)])
        #expect(CommandStatus.acknowledged.isTerminal && CommandStatus.failed.isTerminal)
        #expect(CommandStatus.acknowledged.rawValue == "ACK")
    }

    @Test func webSocketStates() {
        check(WebSocketState.self, legal: [
            (.disconnected, .connecting), (.connecting, .connected), (.connecting, .reconnecting),
            (.connecting, .disconnected), (.connected, .reconnecting), (.connected, .disconnected),
            (.reconnecting, .connecting), (.reconnecting, .disconnected),
        ])
    }
}
