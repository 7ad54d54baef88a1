/// What each strategy has earned, folded from the account's facts (issue 13): its fills' realized
/// PnL and fees, the funding paid while it held the position, the unrealized PnL of the position
/// it holds now, its trade count and its win rate over closed round trips.
///
/// A fill belongs to whoever sent its order (the runner's commands name the strategy; users'
/// orders are "manual"; orders placed outside AlphaEngine are "outside"). A position belongs to
/// whoever opened it from flat, so funding and the unrealized PnL go to that owner; a round trip
/// ends when the position is flat again (or reverses), and is a win when its realized PnL less
/// fees and funding is above zero.
public struct StrategyResults: Sendable {
    public struct Totals: Sendable, Equatable {
        public var realizedPnl: Amount = .zero
        public var unrealizedPnl: Amount = .zero
        public var fees: Amount = .zero
        public var funding: Amount = .zero
        public var trades: Int64 = 0
        public var roundTrips: Int64 = 0
        public var wins: Int64 = 0

        public init() {}

        /// Realized PnL less fees plus funding, and the unrealized PnL.
        public var net: Amount { realizedPnl - fees + funding + unrealizedPnl }
        /// Wins over closed round trips, to 4 places; nil before the first one closes.
        public var winRate: Amount? { roundTrips == 0 ? nil : Amount(Int(wins)).divided(by: Amount(Int(roundTrips)), scale: 4) }
    }

    public static let manual = "manual"
    public static let outside = "outside"

    public private(set) var byOwner: [String: Totals] = [:]
    /// Per symbol: the signed position, its owner, and the running round trip's net.
    private var open: [String: (amount: Amount, owner: String, net: Amount)] = [:]
    /// Which fill (symbol:tradeId) belonged to whom, for its fee.
    private var fillOwner: [String: String] = [:]
    /// Round trips closed by a fill whose fee may still follow: judged at the next fact of the
    /// symbol, or when the results are read.
    private var closing: [String: (owner: String, net: Amount, fill: String)] = [:]

    public init() {}

    /// `owner` names who sent the order of a fill, from its client order id.
    public mutating func apply(_ event: Event, owner: (String?) -> String) {
        switch event.type {
        case .tradeExecuted:
            guard let trade = try? TradePayload(json: event.payload) else { return }
            judge(trade.symbol)
            let who = owner(trade.clientOrderID)
            fillOwner["\(trade.symbol):\(trade.tradeID)"] = who
            var totals = byOwner[who] ?? Totals()
            totals.realizedPnl += trade.realizedPnl
            totals.trades += 1
            byOwner[who] = totals
            var position = open[trade.symbol] ?? (amount: .zero, owner: who, net: .zero)
            if position.amount.isZero { position = (.zero, who, .zero) }
            position.net += trade.realizedPnl
            let signed = trade.side == .buy ? trade.quantity : -trade.quantity
            let after = position.amount + signed
            if !position.amount.isZero, after.isZero || after.isNegative != position.amount.isNegative {
                closing[trade.symbol] = (position.owner, position.net, "\(trade.symbol):\(trade.tradeID)")
                // A reversal opens the next position for whoever reversed it.
                position = (after, who, .zero)
            } else {
                position.amount = after
            }
            open[trade.symbol] = position
        case .feeCharged:
            guard let fee = try? FeePayload(json: event.payload) else { return }
            let fill = "\(fee.symbol):\(fee.tradeID)"
            let who = fillOwner[fill] ?? Self.outside
            byOwner[who, default: Totals()].fees += fee.amount
            if closing[fee.symbol]?.fill == fill {
                closing[fee.symbol]?.net -= fee.amount
            } else if open[fee.symbol]?.owner == who {
                open[fee.symbol]?.net -= fee.amount
            }
        case .fundingApplied:
            guard let funding = try? FundingPayload(json: event.payload) else { return }
            judge(funding.symbol)
            let who = open[funding.symbol].flatMap { $0.amount.isZero ? nil : $0.owner } ?? Self.outside
            byOwner[who, default: Totals()].funding += funding.amount
            open[funding.symbol]?.net += funding.amount
        default:
            break
        }
    }

    /// Counts the round trip the symbol's last fill closed, its fee included.
    private mutating func judge(_ symbol: String) {
        guard let trip = closing.removeValue(forKey: symbol) else { return }
        var totals = byOwner[trip.owner] ?? Totals()
        totals.roundTrips += 1
        if trip.net > .zero { totals.wins += 1 }
        byOwner[trip.owner] = totals
    }

    /// The totals with each open position's unrealized PnL at `marks` given to its owner.
    public func marked(positions: [String: PositionPayload], marks: [String: Amount]) -> [String: Totals] {
        var judged = self
        for symbol in closing.keys { judged.judge(symbol) }
        var result = judged.byOwner
        for (symbol, position) in positions where !position.amount.isZero {
            let owner = open[symbol].flatMap { $0.amount.isZero ? nil : $0.owner } ?? Self.outside
            let unrealized = marks[symbol].map { position.amount * ($0 - position.entryPrice) } ?? position.unrealizedPnl
            result[owner, default: Totals()].unrealizedPnl += unrealized
        }
        return result
    }
}
