import AlphaCore

/// The account's money: wallet, positions, trades and income, in one-way mode, all `Decimal`.
///
/// Invariants the tests hold it to: the wallet equals the initial balance plus realized PnL
/// minus fees plus funding and transfers, and each position equals the signed sum of its fills.
public struct SimLedger: Sendable {
    public static let entryPriceScale = 8
    /// Realized PnL is booked to this many places.
    public static let pnlScale = 8
    public let asset = "USDT"
    public private(set) var initialBalance: Amount
    public private(set) var walletBalance: Amount
    public private(set) var positions: [String: SimPosition] = [:]
    public private(set) var trades: [SimTrade] = []
    public private(set) var income: [SimIncome] = []
    public var makerFeeRate = Amount("0.0002")!
    public var takerFeeRate = Amount("0.0005")!
    private var nextTradeId: Int64 = 1
    private var nextIncomeId: Int64 = 1

    public init(initialBalance: Amount) {
        self.initialBalance = initialBalance
        walletBalance = initialBalance
    }

    public func position(_ symbol: String) -> SimPosition { positions[symbol] ?? SimPosition() }

    /// Books one fill: moves the position, realizes PnL on the part that reduces it, charges the
    /// fee, and records the trade and its income lines. Returns the trade.
    @discardableResult
    public mutating func fill(orderId: Int64, symbol: String, side: OrderSide, price: Amount, quantity: Amount,
                              maker: Bool, time: Int64) -> SimTrade {
        var position = position(symbol)
        let signed = side == .buy ? quantity : -quantity
        var realized = Amount.zero
        if position.amount.isZero || position.amount.isNegative == signed.isNegative {
            // Opening or adding: the entry becomes the quantity-weighted average.
            let total = position.amount.magnitude + quantity
            position.entryPrice = (position.amount.magnitude * position.entryPrice + quantity * price)
                .divided(by: total, scale: Self.entryPriceScale)
            position.amount += signed
        } else {
            // Reducing, closing or flipping: PnL is realized on the closed part only.
            let closed = min(quantity, position.amount.magnitude)
            // Booked to 8 places, as Binance books it (an averaged entry price has 8 itself, so the
            // product has up to 11): the wallet, the fill and the income line carry the same figure.
            realized = (position.amount.isNegative ? closed * (position.entryPrice - price) : closed * (price - position.entryPrice))
                .rounded(scale: Self.pnlScale)
            position.amount += signed
            if position.amount.isZero {
                position.entryPrice = .zero
            } else if position.amount.isNegative == signed.isNegative {
                position.entryPrice = price  // flipped: the rest opened at this fill's price
            }
        }
        positions[symbol] = position
        let commission = (price * quantity * (maker ? makerFeeRate : takerFeeRate)).rounded(scale: 8)
        walletBalance += realized - commission
        let trade = SimTrade(id: nextTradeId, orderId: orderId, symbol: symbol, side: side, price: price, quantity: quantity,
                             commission: commission, realizedPnl: realized, maker: maker, time: time)
        nextTradeId += 1
        trades.append(trade)
        if !realized.isZero { record(.realizedPnl, symbol: symbol, amount: realized, time: time, tradeId: trade.id) }
        record(.commission, symbol: symbol, amount: -commission, time: time, tradeId: trade.id)
        return trade
    }

    /// A funding payment: positive is received. Longs pay shorts when the rate is positive.
    public mutating func fund(symbol: String, rate: Amount, markPrice: Amount, time: Int64) {
        let position = position(symbol)
        guard !position.amount.isZero else { return }
        let payment = (-(position.amount * markPrice * rate)).rounded(scale: 8)
        walletBalance += payment
        record(.fundingFee, symbol: symbol, amount: payment, time: time, tradeId: nil)
    }

    /// A liquidation's clearance fee, taken from what the wallet has left and never more.
    mutating func chargeClearance(_ fee: Amount, symbol: String, time: Int64, tradeId: Int64) {
        let taken = min(fee, max(walletBalance, .zero))
        guard !taken.isZero else { return }
        walletBalance -= taken
        record(.insuranceClear, symbol: symbol, amount: -taken, time: time, tradeId: tradeId)
    }

    /// After a liquidation, a wallet below zero is brought back to zero by the insurance fund.
    mutating func coverDeficit(symbol: String, time: Int64, tradeId: Int64?) {
        guard walletBalance.isNegative else { return }
        let cover = -walletBalance
        walletBalance = .zero
        record(.insuranceClear, symbol: symbol, amount: cover, time: time, tradeId: tradeId)
    }

    /// Money moved in or out of the futures wallet (a deposit, a transfer from spot).
    public mutating func transfer(_ amount: Amount, time: Int64) {
        walletBalance += amount
        record(.transfer, symbol: "", amount: amount, time: time, tradeId: nil)
    }

    private mutating func record(_ kind: SimIncome.Kind, symbol: String, amount: Amount, time: Int64, tradeId: Int64?) {
        income.append(SimIncome(id: nextIncomeId, kind: kind, symbol: symbol, amount: amount, time: time, tradeId: tradeId))
        nextIncomeId += 1
    }

    /// Sum of unrealized PnL at the given mark prices.
    public func unrealizedPnl(marks: [String: Amount]) -> Amount {
        positions.reduce(Amount.zero) { total, entry in total + entry.value.unrealizedPnl(mark: marks[entry.key] ?? entry.value.entryPrice) }
    }
}
