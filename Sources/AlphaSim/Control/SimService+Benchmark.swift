import AlphaCore

/// Hooks for `alphaengine-sim-bench`: a live listenKey without HTTP, and orders without signing,
/// so the benchmark measures event delivery alone.
extension SimService {
    public func streamsForBenchmark(listenKey: String) {
        let time = now()
        state.withLock { $0.listenKey = (listenKey, time + 3_600_000) }
    }


    public func benchmarkPlaceMarket(buy: Bool) {
        _ = try? mutate { exchange, time throws(BinanceError) in
            ((), try exchange.place(NewOrderRequest(symbol: "BTCUSDT", side: buy ? .buy : .sell, kind: .market,
                                                    quantity: Amount("0.010")!), time: time))
        }
    }

    public func endBenchmarkStream() {
        state.withLock { $0.listenKey = nil }
    }
}
