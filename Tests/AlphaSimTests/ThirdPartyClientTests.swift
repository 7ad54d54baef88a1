import AlphaCore
import AlphaHTTP
import AlphaSim
import AlphaTestSupport
import Foundation
import Testing

/// Unmodified third-party Binance clients against the simulator, only their base URLs changed.
@Suite("Third-party Binance clients against the simulator")
struct ThirdPartyClientTests {
    static let python = PythonPeer.repositoryRoot.appendingPathComponent(".venv-clients/bin/python").path

    /// Runs a client script against a fresh simulator on a free port; returns its output lines
    /// and exit status, and the simulator for checking its ledger.
    /// With `market`, a market driver runs at the wall clock's speed over 4 days of seeded history.
    func run(_ script: String, extra: [String] = [], market: Bool = false) throws -> (lines: [String], status: Int32, service: SimService) {
        #expect(FileManager.default.isExecutableFile(atPath: Self.python), "run scripts/setup-python-clients first")
        let service = SimService(configuration: .randomKeys())
        let server = HTTPServer(handler: service.router.handler)
        try server.start()
        defer { server.shutdown() }
        var settings = SimMarketDriver.Settings()
        settings.historyDays = 4
        let driver = market ? SimMarketDriver(service: service, settings: settings) : nil
        driver?.start()
        defer { driver?.stop() }
        let base = "127.0.0.1:\(server.port)"
        let client = try PythonPeer(suite: "AlphaSimTests", script, arguments: ["http://\(base)", "ws://\(base)",
                                    service.configuration.apiKey, service.configuration.apiSecret] + extra, python: Self.python)
        var lines: [String] = []
        while let line = client.readLine() { lines.append(line) }
        return (lines, client.wait(), service)
    }

    @Test("ccxt binanceusdm: markets, balance, leverage, market and limit orders by client id, cancel, trades, positions, income, watchOrders")
    func ccxt() throws {
        let (lines, status, service) = try run("ccxt_client.py", extra: ["--watch-orders"])
        #expect(status == 0, "ccxt client output: \(lines)")
        #expect(lines.last == "DONE")
        for step in ["load_markets", "fetch_balance", "set_leverage", "create_market_buy", "fetch_order", "cancel_order",
                     "fetch_my_trades", "fetch_positions", "fetch_ledger", "watch_orders", "close_position"] {
            #expect(lines.contains { $0.hasPrefix("OK \(step) ") }, "missing step \(step)")
        }
        // The exchange's own ledger agrees: flat, and every fee and PnL line accounted for.
        service.withExchange { exchange in
            #expect(exchange.ledger.position("BTCUSDT").amount.isZero)
            #expect(exchange.ledger.trades.count == 2)
            #expect(exchange.leverage(for: "BTCUSDT") == 5)
            let incomeTotal = exchange.ledger.income.reduce(Amount.zero) { $0 + $1.amount }
            #expect(exchange.ledger.walletBalance == exchange.ledger.initialBalance + incomeTotal)
        }
    }

    @Test("Binance's futures connector: REST calls and ORDER_TRADE_UPDATE on the user-data stream")
    func officialConnector() throws {
        let (lines, status, service) = try run("connector_client.py")
        #expect(status == 0, "connector output: \(lines)")
        #expect(lines.last == "DONE")
        #expect(lines.contains { $0.hasPrefix("OK order_trade_update ") && $0.contains("TRADE/FILLED") })
        #expect(lines.contains { $0.hasPrefix("OK close_listen_key") })
        service.withExchange { exchange in #expect(exchange.ledger.position("BTCUSDT").amount.isZero) }
    }

    @Test("ccxt binanceusdm market data: 1m/1h OHLCV with since, ticker, bids/asks, order book, trades, funding, open interest")
    func ccxtMarketData() throws {
        let (lines, status, _) = try run("ccxt_market.py", market: true)
        #expect(status == 0, "ccxt market output: \(lines)")
        #expect(lines.last == "DONE")
        for step in ["load_markets", "fetch_ohlcv_recent", "fetch_ohlcv_since", "fetch_ohlcv_1h", "fetch_ticker",
                     "fetch_order_book", "fetch_trades", "fetch_trades_list", "fetch_funding_rate_history",
                     "fetch_funding_rate", "fetch_open_interest"] {
            #expect(lines.contains { $0.hasPrefix("OK \(step) ") }, "missing step \(step)")
        }
    }

    @Test("Binance's futures connector market data: klines paging by startTime/endTime, tickers, depth, trades, funding, errors")
    func officialConnectorMarketData() throws {
        let (lines, status, _) = try run("connector_market.py", market: true)
        #expect(status == 0, "connector market output: \(lines)")
        #expect(lines.last == "DONE")
        for step in ["klines", "klines_paging", "klines_end_time", "klines_start_end", "ticker_24hr_price_change",
                     "book_ticker", "depth", "trades", "agg_trades", "funding_rate", "mark_price", "open_interest",
                     "bad_params"] {
            #expect(lines.contains { $0.hasPrefix("OK \(step) ") }, "missing step \(step)")
        }
    }
}
