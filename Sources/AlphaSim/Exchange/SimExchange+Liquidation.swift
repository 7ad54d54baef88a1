import AlphaCore

/// Cross-margin liquidation, as the simulator (and so the backtest) does it. Binance's rule in one
/// bracket: when the margin balance (wallet + unrealized PnL at the mark) is at or below the
/// maintenance margin (notional × `maintenanceMarginRate`), the exchange cancels the account's open
/// orders and closes every position at the market with its own LIQUIDATION orders (client ids
/// `autoclose-…`, as Binance's), charging the clearance fee (notional × `liquidationFeeRate`) from
/// what the wallet has left, never more. A price that gaps past the bankruptcy price leaves the
/// wallet below zero: the insurance fund brings it back to zero, so a trader never owes the exchange.
extension SimExchange {
    /// Wallet plus unrealized PnL at the current prices.
    public var marginBalance: Amount { ledger.walletBalance + ledger.unrealizedPnl(marks: prices) }

    /// What the open positions need to stay open: notional at the current price × the maintenance rate.
    public var maintenanceMargin: Amount {
        ledger.positions.reduce(Amount.zero) { total, entry in total + maintenance(entry.key, entry.value, at: prices[entry.key]) }
    }

    private func maintenance(_ symbol: String, _ position: SimPosition, at price: Amount?) -> Amount {
        position.amount.magnitude * (price ?? position.entryPrice) * maintenanceMarginRate
    }

    /// The price of `symbol` at which the account is liquidated, every other price held where it is,
    /// on the symbol's tick and past the exact figure (below it for a long, above for a short), so
    /// the account is below its maintenance margin there; nil when flat or when no price would.
    ///
    /// From margin balance = maintenance margin: W + q(p − e) = |q|·p·m, where W is the wallet plus
    /// the other positions' unrealized PnL less their maintenance, so p = (q·e − W) / (q − |q|·m).
    public func liquidationPrice(for symbol: String) -> Amount? {
        let position = ledger.position(symbol)
        guard !position.amount.isZero, let spec = symbols[symbol] else { return nil }
        var others = ledger.walletBalance
        for (name, other) in ledger.positions where name != symbol && !other.amount.isZero {
            let price = prices[name] ?? other.entryPrice
            others += other.unrealizedPnl(mark: price) - maintenance(name, other, at: price)
        }
        let q = position.amount
        let exact = (q * position.entryPrice - others).divided(by: q - q.magnitude * maintenanceMarginRate, scale: 12)
        guard exact > .zero else { return nil }
        let ticks = exact.divided(by: spec.tickSize, scale: 0, mode: q.isNegative ? .up : .down)
        let price = ticks * spec.tickSize
        return price > .zero ? price : nil
    }

    /// Liquidates the account when its margin balance is at or below its maintenance margin; returns
    /// what changed (cancelled orders, then each LIQUIDATION order new and filled).
    mutating func liquidateIfBelowMaintenance(time: Int64) -> [SimOrderUpdate] {
        // Called on every price move: margin and maintenance in one pass, without allocating.
        var margin = ledger.walletBalance, needed = Amount.zero, anyOpen = false
        for (symbol, position) in ledger.positions where !position.amount.isZero {
            anyOpen = true
            let price = prices[symbol] ?? position.entryPrice
            margin += position.unrealizedPnl(mark: price)
            needed += maintenance(symbol, position, at: price)
        }
        guard anyOpen, margin <= needed else { return [] }
        let open = ledger.positions.filter { !$0.value.amount.isZero }
        var updates: [SimOrderUpdate] = []
        for var order in openOrders(symbol: nil) {
            order.status = .canceled
            order.updateTime = time
            store(order)
            updates.append(SimOrderUpdate(order: order, trade: nil))
        }
        var lastTrade: Int64?
        for symbol in open.keys.sorted() {
            let position = ledger.position(symbol)
            let price = prices[symbol] ?? position.entryPrice
            let quantity = position.amount.magnitude
            var order = SimOrder(orderId: nextOrderId, clientOrderId: "autoclose-\(time)\(nextOrderId)", symbol: symbol,
                                 side: position.amount.isNegative ? .buy : .sell, kind: .liquidation, timeInForce: .ioc,
                                 price: price, quantity: quantity, reduceOnly: true, time: time, updateTime: time)
            nextOrderId += 1
            updates.append(SimOrderUpdate(order: order, trade: nil))
            let filled = fillAtMarket(&order, quantity: quantity, price: price, time: time)
            store(order)
            updates.append(filled)
            if let trade = filled.trade {
                ledger.chargeClearance((price * quantity * liquidationFeeRate).rounded(scale: 8), symbol: symbol, time: time, tradeId: trade.id)
                lastTrade = trade.id
            }
        }
        ledger.coverDeficit(symbol: open.keys.sorted().last ?? "", time: time, tradeId: lastTrade)
        return updates
    }
}
