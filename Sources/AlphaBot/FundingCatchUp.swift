import AlphaCore
import AlphaExchange
import AlphaJSON
import AlphaStore

/// Funding payments come from the income history (`GET /fapi/v1/income?incomeType=FUNDING_FEE`):
/// the stream's `ACCOUNT_UPDATE` (reason `FUNDING_FEE`) moves the balance but names neither the
/// symbol nor a transaction id, so the REST line, keyed by `tranId`, is the one fact we store.
public final class FundingCatchUp {
    private let account: any ExchangeAccount
    private let writer: EventWriter
    /// Binance returns at most 1000 lines per page.
    public var pageSize = 1000
    /// Binance keeps three months of income; the first run starts there.
    static let history: Int64 = 90 * 24 * 3_600_000

    public init(account: any ExchangeAccount, writer: EventWriter) {
        self.account = account
        self.writer = writer
    }

    /// Stores the funding lines since `since` (ms; nil: all Binance keeps); returns how many were new.
    @discardableResult
    public func run(since: Int64?) throws -> Int {
        var start = since ?? (Timestamp.now().millisecondsSinceEpoch - Self.history)
        var added = 0
        while true {
            let page = try account.funding(start: start, limit: pageSize)
            added += try writer.append(page.events).filter { !$0.isDuplicate }.count
            // Lines sharing the last time may straddle pages: the next page starts at that time
            // again, and the repeats collide on their transaction ids.
            guard page.rows == pageSize, let time = page.lastTime, time > start else { return added }
            start = time
        }
    }
}
