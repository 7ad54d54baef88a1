/// Upbit's request limits per group and second (reference: the Upbit notes §5): exchange calls
/// 30 a second, new orders 8, each quotation group 10. An answer's `Remaining-Req` says what is
/// left of the second; a request past the limit is refused with 429.
struct UpbitRequestBudget: Sendable {
    static let limits = ["default": 30, "order": 8, "market": 10, "ticker": 10, "orderbook": 10, "candles": 10]
    private var spent: [String: (second: Int64, count: Int)] = [:]

    /// What is left of this second after this request, or nil when the group has none left.
    mutating func spend(_ group: String, now: Int64) -> Int? {
        let limit = Self.limits[group] ?? 10
        let second = now / 1000
        var entry: (second: Int64, count: Int) = spent[group].flatMap { $0.second == second ? $0 : nil } ?? (second: second, count: 0)
        guard entry.count < limit else { return nil }
        entry.count += 1
        spent[group] = entry
        return limit - entry.count
    }
}
