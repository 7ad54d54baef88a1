/// Dedup keys name the fact, not the channel (DESIGN §5): the WebSocket and REST copies of one
/// fact build the same key, so whichever arrives first is stored and the other is ignored.
///
/// Binance order and trade ids are unique per symbol only, so keys for them carry the symbol.
/// Ids are the exchange's own text, so a key made when they were Int64 ("trade:BTCUSDT:42") is
/// the key made today, and stored keys still catch today's copies.
/// Amounts are written canonically, so "1.000" from one channel and "1" from the other collide.
public enum DedupKey {
    public static func trade(symbol: String, tradeID: String) -> String { "trade:\(symbol):\(tradeID)" }

    /// One order status at one cumulative filled quantity: each partial fill is a new fact.
    public static func order(symbol: String, orderID: String, status: OrderState, filledQuantity: Amount) -> String {
        "order:\(symbol):\(orderID):\(status.rawValue):\(filledQuantity)"
    }

    /// An order the exchange never saw (rejected before sending), keyed by its client id.
    public static func localOrder(clientOrderID: ClientOrderID, status: OrderState) -> String {
        "order:local:\(clientOrderID):\(status.rawValue)"
    }

    public static func fee(symbol: String, tradeID: String) -> String { "fee:\(symbol):\(tradeID)" }

    /// Funding from the income history (`tranId`) or, when only the time is known, its time.
    public static func funding(symbol: String, transactionID: String) -> String { "funding:\(symbol):\(transactionID)" }

    public static func config(version: Int64) -> String { "config:\(version)" }

    /// A position or balance change reported by the exchange at one moment for one reason.
    public static func position(symbol: String, updateTime: Int64, amount: Amount) -> String {
        "position:\(symbol):\(updateTime):\(amount)"
    }

    public static func balance(asset: String, updateTime: Int64, walletBalance: Amount) -> String {
        "balance:\(asset):\(updateTime):\(walletBalance)"
    }

    /// Facts the engine itself produces are unique by the run or command that produced them.
    public static func engine(bootID: String, transition: String) -> String { "engine:\(bootID):\(transition)" }
    public static func command(commandID: String, outcome: String) -> String { "command:\(commandID):\(outcome)" }
    public static func stream(connectionID: String, event: EventType) -> String {
        "ws:\(connectionID):\(event.rawValue)"
    }
    public static func reconciliation(runID: String) -> String { "reconcile:\(runID)" }
    /// A reconcile run's correction of a snapshot: the snapshot's own key, made unique to the run.
    public static func correction(of snapshotKey: String, runID: String) -> String { "\(snapshotKey):\(runID)" }
    /// An order we thought open that the exchange no longer knows, closed by a reconcile run.
    public static func forgottenOrder(clientOrderID: String, runID: String) -> String { "order:forgotten:\(clientOrderID):\(runID)" }
    public static func drift(runID: String, entity: String) -> String { "drift:\(runID):\(entity)" }

    public static func transfer(transactionID: String, status: String) -> String { "transfer:\(transactionID):\(status)" }
    public static func deposit(transactionID: String) -> String { "deposit:\(transactionID)" }
    public static func withdrawal(withdrawalID: String, status: String) -> String { "withdraw:\(withdrawalID):\(status)" }
    /// One closed candle as one strategy saw it: each candle is evaluated once per strategy,
    /// whatever restarts or replays come. Its decisions add their index.
    public static func strategyCandle(strategy: String, symbol: String, timeframe: String, openTime: Int64) -> String {
        "strategy:\(strategy):\(symbol):\(timeframe):\(openTime)"
    }
    public static func quarantine(id: String, phase: String) -> String { "quarantine:\(id):\(phase)" }
}
