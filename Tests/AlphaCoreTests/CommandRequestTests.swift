import AlphaCore
import Testing

/// The one decoder of command payloads, shared by the web's validation and the bot's execution.
@Suite("Command requests: one typed request per command type")
struct CommandRequestTests {
    @Test("each command type decodes to its typed request")
    func decodes() throws {
        #expect(try CommandRequest(type: .pauseEngine, payload: ["reason": "lunch"]) == .pauseEngine(reason: "lunch"))
        #expect(try CommandRequest(type: .resumeEngine, payload: [:]) == .resumeEngine(reason: nil))
        #expect(try CommandRequest(type: .setEngineMode, payload: ["mode": "reduce_only"]) == .setEngineMode(.reduceOnly, reason: nil))
        #expect(try CommandRequest(type: .cancelAll, payload: ["symbol": "BTCUSDT"]) == .cancelAll(symbol: "BTCUSDT"))
        #expect(try CommandRequest(type: .closePosition, payload: ["symbol": "ETHUSDT"]) == .closePosition(symbol: "ETHUSDT"))
        #expect(try CommandRequest(type: .runReconcile, payload: [:]) == .runReconcile)
        #expect(try CommandRequest(type: .rebuildProjection, payload: [:]) == .rebuildProjection)
        #expect(try CommandRequest(type: .cancelOrder, payload: ["symbol": "BTCUSDT", "clientOrderId": "ae-1"])
                == .cancelOrder(symbol: "BTCUSDT", clientOrderID: "ae-1"))
        #expect(try CommandRequest(type: .setLeverage, payload: ["symbol": "BTCUSDT", "leverage": .number("7.0")])
                == .setLeverage(symbol: "BTCUSDT", leverage: 7))
        let limit = try CommandRequest(type: .placeOrder, payload: ["symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT", "quantity": "0.010",
                                                                   "price": "60000.10", "timeInForce": "GTX", "reduceOnly": true])
        #expect(limit == .placeOrder(OrderRequest(symbol: "BTCUSDT", side: .sell, type: .limit, quantity: Amount("0.010"),
                                                  price: Amount("60000.10"), timeInForce: "GTX", reduceOnly: true)))
        let config = try CommandRequest(type: .updateConfig, payload: ["config": .object(RuntimeConfig().json), "expectedVersion": 3])
        #expect(config == .updateConfig(RuntimeConfig(), expectedVersion: 3))
    }

    @Test("every wrong field is named at once, under payload.; nothing half-decoded")
    func namesEveryProblem() {
        func fields(_ type: CommandType, _ payload: JSONObject) -> Set<String> {
            do throws(CommandPayloadError) {
                _ = try CommandRequest(type: type, payload: payload)
                return []
            } catch {
                return Set(error.problems.map(\.field))
            }
        }
        #expect(fields(.placeOrder, ["symbol": "btc", "side": "HOLD", "type": "LIMIT", "quantity": .number("0.1"), "bogus": 1])
                == ["payload.symbol", "payload.side", "payload.quantity", "payload.price", "payload.bogus"])
        #expect(fields(.placeOrder, ["symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "1", "price": "5", "timeInForce": "GTC"])
                == ["payload.price", "payload.timeInForce"])
        #expect(fields(.setLeverage, ["symbol": "BTCUSDT", "leverage": 500]) == ["payload.leverage"])
        #expect(fields(.setEngineMode, ["mode": "turbo"]) == ["payload.mode"])
        #expect(fields(.updateConfig, ["config": .object(["trading": "x"]), "expectedVersion": -1]).isSuperset(of: [
            "payload.expectedVersion", "payload.config.trading", "payload.config.strategy"]))
        #expect(fields(.withdraw, [:]) == ["payload.asset", "payload.amount", "payload.address", "payload.network"])
        #expect(fields(.resolveQuarantine, ["symbol": "BTCUSDT", "action": "IGNORE", "stopPrice": "1"]) == ["payload.stopPrice"])
    }

    @Test("symbols and leverage follow the venue's capabilities")
    func venueRules() throws {
        var upbitLike = VenueCapabilities.binanceUSDM
        upbitLike.symbols = SymbolFormat(description: "a market such as KRW-BTC", maximumLength: 20, prefix: "KRW-")
        upbitLike.leverage = nil
        #expect(try CommandRequest(type: .cancelAll, payload: ["symbol": "KRW-BTC"], venue: upbitLike) == .cancelAll(symbol: "KRW-BTC"))
        #expect(throws: CommandPayloadError.self) { try CommandRequest(type: .cancelAll, payload: ["symbol": "KRW-BTC"]) }
        #expect(throws: CommandPayloadError.self) { try CommandRequest(type: .cancelAll, payload: ["symbol": "-KRW"], venue: upbitLike) }
        #expect(throws: CommandPayloadError.self) {
            try CommandRequest(type: .setLeverage, payload: ["symbol": "KRW-BTC", "leverage": 2], venue: upbitLike)
        }
        // Upbit's own rules: KRW markets only, so a Binance symbol is refused before the exchange sees it.
        let upbit = VenueCapabilities.upbitKRW
        #expect(["KRW-BTC", "KRW-ETH", "KRW-1INCH"].allSatisfy(upbit.symbols.isValid))
        #expect(!["BTCUSDT", "KRW-", "KRW", "BTC-KRW", "krw-btc", "KRW-BTC-", "KRW-A-B", "KRW-ABCDEFGHIJKLMNOPQ"].contains(where: upbit.symbols.isValid))
        // A query's filter takes either venue's spelling (the openapi Symbol pattern says the same).
        #expect(SymbolFormat.isAnyVenueSymbol("BTCUSDT") && SymbolFormat.isAnyVenueSymbol("KRW-BTC") && !SymbolFormat.isAnyVenueSymbol("MD51-E7"))
    }
}
