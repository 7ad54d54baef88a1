import Testing
@testable import AlphaCore

@Suite("Upbit KRW market: the price unit by band, prices moved onto it")
struct UpbitKRWMarketTests {
    @Test("each band's unit at its edges (the policy of 2025-07-31)")
    func units() {
        let cases: [(String, String)] = [
            ("150000000", "1000"), ("2000000", "1000"), ("1999999", "1000"), ("1000000", "1000"), ("999999", "500"), ("500000", "500"),
            ("499999", "100"), ("100000", "100"), ("99999", "50"), ("50000", "50"), ("49999", "10"), ("10000", "10"), ("9999", "5"),
            ("5000", "5"), ("4999", "1"), ("100", "1"), ("99.9", "0.1"), ("10", "0.1"), ("9.99", "0.01"), ("1", "0.01"),
            ("0.999", "0.001"), ("0.1", "0.001"), ("0.0999", "0.0001"), ("0.00009", "0.0000001"),
        ]
        for (price, unit) in cases {
            #expect(UpbitKRWMarket.priceUnit(at: Amount(price)!) == Amount(unit)!, "\(price)")
        }
    }

    @Test("on the unit or not; rounding down stays in the band, rounding up may cross into a coarser one")
    func rounding() {
        #expect(UpbitKRWMarket.isOnUnit(Amount(140_001_000)) && !UpbitKRWMarket.isOnUnit(Amount(140_000_500)))
        #expect(UpbitKRWMarket.isOnUnit(Amount(9_995)) && !UpbitKRWMarket.isOnUnit(Amount(9_996)) && !UpbitKRWMarket.isOnUnit(.zero))
        #expect(UpbitKRWMarket.price(Amount(140_000_500), down: true) == Amount(140_000_000))
        #expect(UpbitKRWMarket.price(Amount(140_000_500), down: false) == Amount(140_001_000))
        #expect(UpbitKRWMarket.price(Amount(999_800), down: false) == Amount(1_000_000))
        #expect(UpbitKRWMarket.price(Amount(999_800), down: true) == Amount(999_500))
        #expect(UpbitKRWMarket.price(Amount("9997.3")!, down: false) == Amount(10_000))
        #expect(UpbitKRWMarket.minimumOrderValue == Amount(5_000) && UpbitKRWMarket.feeRate == Amount("0.0005")!)
    }
}
