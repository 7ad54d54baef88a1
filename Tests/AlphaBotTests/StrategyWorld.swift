import AlphaCore
import AlphaSim
import AlphaStore
import AlphaTestSupport
import Foundation
import Testing

/// A `BotWorld` whose simulator market the test moves itself, one one-minute candle at a time
/// (speed 60: one wall second of market is one minute), so a strategy in the real bot process
/// sees exactly the candles the test scripted, and the test can wait for each one to be acted on.
final class StrategyWorld {
    let world: BotWorld
    let driver: SimMarketDriver

    init(historyDays: Int = 1, botArguments: [String] = ["--not-found-grace-ms", "800", "--reconcile-ms", "1000"]) throws {
        world = try BotWorld(botArguments: botArguments)
        var settings = SimMarketDriver.Settings()
        settings.speed = 60
        settings.historyDays = historyDays
        driver = SimMarketDriver(service: world.sim, settings: settings)
    }

    /// The runtime configuration the bot starts with (written before it starts, as `alphaengine
    /// config` or a first PUT would).
    func configure(_ edit: (inout RuntimeConfig) -> Void) throws {
        let store = ConfigStore(database: world.database)
        let current = try store.runtime()
        var config = current.value
        edit(&config)
        _ = try store.updateRuntime(config, expectedVersion: current.version, by: "test")
    }

    /// A change while the bot runs: an UpdateConfig command, as the web sends it.
    @discardableResult
    func update(_ edit: (inout RuntimeConfig) -> Void) throws -> Command? {
        let current = try ConfigStore(database: world.database).runtime()
        var config = current.value
        edit(&config)
        let command = try world.command(.updateConfig, ["config": .object(config.json), "expectedVersion": .int(current.version)])
        return world.settled(command)
    }

    /// Closes from 50 000 that go up `step` three candles, then down three, over and over: a cross
    /// every few candles, long and short.
    static func zigzag(_ count: Int, step: Int = 150) -> [String] {
        var closes: [String] = []
        var price = 50_000
        for index in 0..<count {
            price += (index / 3) % 2 == 0 ? step : -step
            closes.append(String(price))
        }
        return closes
    }

    /// The next candles' closes on the simulator (then the price holds).
    func path(_ closes: [String]) throws {
        try world.control("market/path", #"{"symbol":"BTCUSDT","closes":["# + closes.map { "\"\($0)\"" }.joined(separator: ",") + #"],"after":"hold"}"#)
    }

    /// Closes the candle in progress on the market clock, and no more: the price stays at its close
    /// until the next call, as it would for the instant after a close.
    func closeCandle() { driver.closeCandle() }

    var evaluated: Int { world.count(.strategyEvaluated) }

    /// No command is waiting or in flight.
    var settled: Bool {
        ((try? world.commands.countsByStatus()) ?? [:]).filter { $0.key == .new || $0.key == .sent }.values.reduce(0, +) == 0
    }

    var klineFollowers: Int { world.sim.streamFollowers("btcusdt@kline_1m") }

    /// Starts the bot and waits for its market stream (a killed one's gone first) and, unless
    /// the newest closed candle was acted on before, its boot evaluation.
    func startBot(evaluatesAtBoot: Bool = true) throws {
        #expect(eventually(within: 10) { self.klineFollowers == 0 }, "a killed bot's market stream is still open")
        let before = evaluated
        try world.startBot()
        #expect(eventually(within: 20) { (!evaluatesAtBoot || self.evaluated > before) && self.settled && self.klineFollowers == 1 },
                "the bot did not evaluate its boot candle: \(world.log.suffix(2000))")
    }

    /// Closes the hour in progress (and every minute in it).
    func closeHour() {
        driver.advance(marketMilliseconds: 3_600_000 - world.sim.marketNow() % 3_600_000)
    }

    /// Closes one candle (`close`, a minute by default) and waits until the bot has evaluated it
    /// and every command it made settled.
    @discardableResult
    func next(_ close: (() -> Void)? = nil) -> Bool {
        let before = evaluated
        if let close { close() } else { closeCandle() }
        return eventually(within: 15) { self.evaluated > before && self.settled }
    }

    func decisions() -> [DecisionMadePayload] { world.stored(.decisionMade).compactMap { try? DecisionMadePayload(json: $0.payload) } }

    func evaluations() -> [StrategyEvaluatedPayload] {
        world.stored(.strategyEvaluated).compactMap { try? StrategyEvaluatedPayload(json: $0.payload) }
    }

    func rejections() -> [RiskGuardRejectedPayload] {
        world.stored(.riskGuardRejected).compactMap { try? RiskGuardRejectedPayload(json: $0.payload) }
    }

    /// The simulator's orders, oldest first, as "SIDE KIND quantity [stopPrice] [reduceOnly] STATUS".
    func exchangeOrders() -> [String] {
        world.sim.withExchange { exchange in
            exchange.orders.values.sorted { $0.orderId < $1.orderId }.map { order in
                [order.side.rawValue, order.kind.rawValue, order.quantity.description,
                 order.kind.isConditional ? "@\(order.stopPrice)" : nil, order.reduceOnly ? "reduceOnly" : nil, order.status.rawValue]
                    .compactMap { $0 }.joined(separator: " ")
            }
        }
    }

    var position: Amount { world.sim.withExchange { $0.ledger.position("BTCUSDT").amount } }
}

extension JSONObject {
    /// A string or number field's text ("0.01", "6"), or "" when there is none.
    func text(_ key: String) -> String {
        switch self[key] {
        case .string(let text)?, .number(let text)?: text
        default: ""
        }
    }
}
