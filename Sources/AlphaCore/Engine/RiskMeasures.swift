import Foundation

extension ProjectionState {
    /// The day's net loss in `asset` as a fraction of that wallet at the start of the day (the
    /// wallet now, less the day's net), rounded up to 6 places: what the daily loss limit is
    /// compared with. Zero on a day that is not a loss. The dashboard shows it; the risk guard
    /// will refuse by it.
    public func dailyLossUsed(day: String, asset: String) -> Amount {
        let net = pnl[PnLKey(day: day, asset: asset)]?.net ?? .zero
        guard net.isNegative, let wallet = balances[asset]?.walletBalance else { return .zero }
        let startOfDay = wallet - net
        guard startOfDay > .zero else { return .zero }
        var fraction = (-net).decimal / startOfDay.decimal
        var rounded = Decimal()
        NSDecimalRound(&rounded, &fraction, 6, .up)
        return Amount(rounded)
    }
}
