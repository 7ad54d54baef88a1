import AlphaCore
import AlphaExchange
import AlphaJSON
import AlphaStore

/// Funding payments come from the income history (`GET /fapi/v1/income?incomeType=FUNDING_FEE`):
/// the stream's `ACCOUNT_UPDATE` (reason `FUNDING_FEE`) moves the balance but names neither the
/// symbol nor a transaction id, so the REST line, keyed by `tranId`, is the one fact we store.
public final class FundingCatchUp {
    private let client: BinanceRESTClient
    private let writer: EventWriter
    private let scope: Scope
    /// Binance returns at most 1000 lines per page.
    public var pageSize = 1000
    /// Binance keeps three months of income; the first run starts there.
    static let history: Int64 = 90 * 24 * 3_600_000

    public init(client: BinanceRESTClient, writer: EventWriter, scope: Scope) {
        self.client = client
        self.writer = writer
        self.scope = scope
    }

    /// Stores the funding lines since `since` (ms; nil: all Binance keeps); returns how many were new.
    @discardableResult
    public func run(since: Int64?) throws -> Int {
        var start = since ?? (Timestamp.now().millisecondsSinceEpoch - Self.history)
        var added = 0
        while true {
            let answer = try client.signed("GET", "/fapi/v1/income", [("incomeType", "FUNDING_FEE"), ("startTime", String(max(0, start))),
                                                                      ("limit", String(pageSize))])
            guard case .array(let rows) = answer, !rows.isEmpty else { return added }
            let events = try BinanceEventTranslator.events(fromIncome: rows, scope: scope)
            added += try writer.append(events).filter { !$0.isDuplicate }.count
            // Lines sharing the last time may straddle pages: the next page starts at that time
            // again, and the repeats collide on their tranId.
            guard rows.count == pageSize, case .object(let last)? = rows.last, let time = try? last.int64("time"), time > start else {
                return added
            }
            start = time
        }
    }
}
