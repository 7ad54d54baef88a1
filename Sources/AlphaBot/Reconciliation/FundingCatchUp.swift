import AlphaCore
import AlphaExchange
import AlphaJSON
import AlphaStore

/// Funding payments come from the venue's income history: the stream's balance update names
/// neither the symbol nor a transaction id, so the history's line is the one fact we store.
public final class FundingCatchUp {
    private let account: any ExchangeAccount
    private let writer: any EventJournal
    private let clock: any Clock
    /// The most lines the venue returns per page.
    public var pageSize: Int
    /// How far back the venue keeps income; the first run starts there.
    let history: Int64
    /// A venue without funding (spot) has nothing to fetch.
    let hasFunding: Bool

    public init(account: any ExchangeAccount, writer: any EventJournal, capabilities: VenueCapabilities, clock: any Clock) {
        self.account = account
        self.writer = writer
        self.clock = clock
        pageSize = capabilities.historyPageLimit
        history = capabilities.fundingHistoryMilliseconds
        hasFunding = capabilities.hasFunding
    }

    /// Stores the funding lines since `since` (ms; nil: all Binance keeps); returns how many were new.
    @discardableResult
    public func run(since: Int64?) throws -> Int {
        guard hasFunding else { return 0 }
        var start = since ?? (clock.now.millisecondsSinceEpoch - history)
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
