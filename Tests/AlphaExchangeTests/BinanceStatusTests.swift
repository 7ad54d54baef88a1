import AlphaCore
@testable import AlphaExchange
import Testing

/// Binance's order status words, read where everything else Binance is read.
@Suite struct BinanceStatusTests {
    @Test func binanceStatusesMap() {
        #expect(OrderState(binanceStatus: "NEW") == .acknowledged)
        #expect(OrderState(binanceStatus: "CANCELED") == .cancelled)
        #expect(OrderState(binanceStatus: "EXPIRED_IN_MATCH") == .expired)
        #expect(OrderState(binanceStatus: "PARTIALLY_FILLED") == .partiallyFilled)
        #expect(OrderState(binanceStatus: "bogus") == nil)
    }
}
