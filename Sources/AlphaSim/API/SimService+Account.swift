import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaWebSocket

/// Balances, account, positions, income, leverage and the listenKey (reference §3.7–3.11).
extension SimService {
    func addAccountRoutes(to router: inout Router) {
        for path in ["/fapi/v2/balance", "/fapi/v3/balance"] {
            router.get(path, endpoint(.signed, weight: 5) { [self] _, _ in
                let snapshot = accountSnapshot()
                return Self.json { writer in
                    writer.beginArray()
                    writer.beginObject()
                    writer.key("accountAlias"); writer.value("SimA")
                    writer.key("asset"); writer.value("USDT")
                    writer.key("balance"); writer.value(snapshot.wallet.formatted(scale: SimJSON.moneyScale))
                    writer.key("crossWalletBalance"); writer.value(snapshot.wallet.formatted(scale: SimJSON.moneyScale))
                    writer.key("crossUnPnl"); writer.value(snapshot.unrealized.formatted(scale: SimJSON.moneyScale))
                    writer.key("availableBalance"); writer.value(snapshot.available.formatted(scale: SimJSON.moneyScale))
                    writer.key("maxWithdrawAmount"); writer.value(snapshot.available.formatted(scale: SimJSON.moneyScale))
                    writer.key("marginAvailable"); writer.value(true)
                    writer.key("updateTime"); writer.value(snapshot.time)
                    writer.endObject()
                    writer.endArray()
                }
            })
        }
        for (path, v2) in [("/fapi/v2/account", true), ("/fapi/v3/account", false)] {
            router.get(path, endpoint(.signed, weight: 5) { [self] _, _ in account(v2: v2) })
        }
        for (path, v2) in [("/fapi/v2/positionRisk", true), ("/fapi/v3/positionRisk", false)] {
            router.get(path, endpoint(.signed, weight: 5) { [self] _, parameters throws(BinanceError) in
                try positions(symbol: parameters["symbol"], v2: v2)
            })
        }
        router.get("/fapi/v1/income", endpoint(.signed, weight: 30) { [self] _, parameters throws(BinanceError) in
            let symbol = parameters["symbol"]
            let kind = parameters["incomeType"]
            let start = try parameters.int64("startTime") ?? 0
            let end = try parameters.int64("endTime") ?? .max
            let limit = Int(try parameters.int64("limit") ?? 100)
            let lines = state.withLock { state in
                state.exchange.ledger.income.filter {
                    (symbol == nil || $0.symbol == symbol) && (kind == nil || $0.kind.rawValue == kind) && $0.time >= start && $0.time <= end
                }.prefix(min(limit, 1000))
            }
            return Self.json { writer in
                writer.beginArray()
                for line in lines { SimJSON.income(line, into: &writer) }
                writer.endArray()
            }
        })
        router.post("/fapi/v1/leverage", endpoint(.signed, weight: 1) { [self] _, parameters throws(BinanceError) in
            let symbol = try parameters.required("symbol")
            guard let leverage = try parameters.int64("leverage") else { throw .mandatory("leverage") }
            try state.withLock { state throws(BinanceError) in try state.exchange.setLeverage(Int(leverage), for: symbol) }
            return Self.json { writer in
                writer.beginObject()
                writer.key("leverage"); writer.value(leverage)
                writer.key("maxNotionalValue"); writer.value("1000000")
                writer.key("symbol"); writer.value(symbol)
                writer.endObject()
            }
        })
        router.get("/fapi/v1/leverageBracket", endpoint(.signed, weight: 1) { [self] _, _ in
            let names = state.withLock { $0.exchange.symbols.keys.sorted() }
            return Self.json { writer in
                writer.beginArray()
                for name in names {
                    writer.beginObject()
                    writer.key("symbol"); writer.value(name)
                    writer.key("brackets")
                    writer.raw(#"[{"bracket":1,"initialLeverage":125,"notionalCap":50000,"notionalFloor":0,"maintMarginRatio":0.004,"cum":0.0}]"#)
                    writer.endObject()
                }
                writer.endArray()
            }
        })
        router.post("/fapi/v1/marginType", endpoint(.signed, weight: 1) { [self] _, parameters throws(BinanceError) in
            let symbol = try parameters.required("symbol")
            let type = try parameters.required("marginType").uppercased()
            try state.withLock { state throws(BinanceError) in try state.exchange.setMarginType(type, for: symbol) }
            return Array(#"{"code":200,"msg":"success"}"#.utf8)
        })
        // One-way mode only: asking for hedge mode is refused with the reason, asking for
        // one-way is "no need to change" (-4059), as Binance answers an unchanged setting.
        router.post("/fapi/v1/positionSide/dual", endpoint(.signed, weight: 1) { _, parameters throws(BinanceError) in
            switch try parameters.required("dualSidePosition").lowercased() {
            case "false": throw BinanceError(code: -4059, "No need to change position side.")
            case "true": throw BinanceError(code: -4068, "The simulator trades in one-way mode only (hedge mode is not simulated).")
            default: throw .invalid("dualSidePosition")
            }
        })
        router.get("/fapi/v1/positionSide/dual", endpoint(.signed, weight: 30) { _, _ in
            Array(#"{"dualSidePosition":false}"#.utf8)
        })
        addListenKeyRoutes(to: &router)
    }

    struct AccountSnapshot {
        let wallet: Amount
        let unrealized: Amount
        let initialMargin: Amount
        let maintenanceMargin: Amount
        var available: Amount { wallet + unrealized - initialMargin }
        let time: Int64
    }

    func accountSnapshot() -> AccountSnapshot {
        state.withLock { state in
            let exchange = state.exchange
            let margin = exchange.usedMargin
            return AccountSnapshot(wallet: exchange.ledger.walletBalance, unrealized: exchange.ledger.unrealizedPnl(marks: exchange.prices),
                                   initialMargin: margin, maintenanceMargin: exchange.maintenanceMargin, time: now())
        }
    }

    private func account(v2: Bool) -> [UInt8] {
        let snapshot = accountSnapshot()
        let rows = positionRows(symbol: nil, includeFlat: v2)
        let money: (Amount) -> String = { $0.formatted(scale: SimJSON.moneyScale) }
        return Self.json { writer in
            writer.beginObject()
            if v2 {
                writer.key("feeTier"); writer.value(0)
                writer.key("canTrade"); writer.value(true)
                writer.key("canDeposit"); writer.value(true)
                writer.key("canWithdraw"); writer.value(true)
                writer.key("multiAssetsMargin"); writer.value(false)
                writer.key("updateTime"); writer.value(0)
            }
            for (key, value): (StaticString, Amount) in [("totalInitialMargin", snapshot.initialMargin), ("totalMaintMargin", snapshot.maintenanceMargin),
                                                         ("totalWalletBalance", snapshot.wallet), ("totalUnrealizedProfit", snapshot.unrealized),
                                                         ("totalMarginBalance", snapshot.wallet + snapshot.unrealized),
                                                         ("totalPositionInitialMargin", snapshot.initialMargin), ("totalOpenOrderInitialMargin", .zero),
                                                         ("totalCrossWalletBalance", snapshot.wallet), ("totalCrossUnPnl", snapshot.unrealized),
                                                         ("availableBalance", snapshot.available), ("maxWithdrawAmount", snapshot.available)] {
                writer.key(key); writer.value(money(value))
            }
            writer.key("assets")
            writer.beginArray()
            writer.beginObject()
            writer.key("asset"); writer.value("USDT")
            writer.key("walletBalance"); writer.value(money(snapshot.wallet))
            writer.key("unrealizedProfit"); writer.value(money(snapshot.unrealized))
            writer.key("marginBalance"); writer.value(money(snapshot.wallet + snapshot.unrealized))
            writer.key("maintMargin"); writer.value(money(snapshot.maintenanceMargin))
            writer.key("initialMargin"); writer.value(money(snapshot.initialMargin))
            writer.key("positionInitialMargin"); writer.value(money(snapshot.initialMargin))
            writer.key("openOrderInitialMargin"); writer.value(money(.zero))
            writer.key("crossWalletBalance"); writer.value(money(snapshot.wallet))
            writer.key("crossUnPnl"); writer.value(money(snapshot.unrealized))
            writer.key("availableBalance"); writer.value(money(snapshot.available))
            writer.key("maxWithdrawAmount"); writer.value(money(snapshot.available))
            writer.key("marginAvailable"); writer.value(true)
            writer.key("updateTime"); writer.value(snapshot.time)
            writer.endObject()
            writer.endArray()
            writer.key("positions")
            writer.beginArray()
            for row in rows {
                SimJSON.position(row.spec, row.position, mark: row.mark, leverage: row.leverage, v2: v2, time: snapshot.time,
                                 marginType: row.marginType, liquidationPrice: row.liquidationPrice, into: &writer)
            }
            writer.endArray()
            writer.endObject()
        }
    }

    struct PositionRow {
        let spec: SimSymbol
        let position: SimPosition
        let mark: Amount
        let leverage: Int
        let marginType: String
        /// Where the simulator would liquidate the account (nil: flat, or no price would).
        let liquidationPrice: Amount?
    }

    /// v2 lists every symbol; v3 only those with a position or open orders (reference §3.7).
    func positionRows(symbol: String?, includeFlat: Bool) -> [PositionRow] {
        state.withLock { state in
            let exchange = state.exchange
            return exchange.symbols.values.sorted { $0.name < $1.name }.compactMap { spec in
                guard symbol == nil || spec.name == symbol else { return nil }
                let position = exchange.ledger.position(spec.name)
                guard includeFlat || !position.amount.isZero || !exchange.openOrders(symbol: spec.name).isEmpty else { return nil }
                return PositionRow(spec: spec, position: position, mark: exchange.prices[spec.name] ?? .zero,
                                   leverage: exchange.leverage(for: spec.name), marginType: exchange.marginType[spec.name] ?? "CROSSED",
                                   liquidationPrice: exchange.liquidationPrice(for: spec.name))
            }
        }
    }

    private func positions(symbol: String?, v2: Bool) throws(BinanceError) -> [UInt8] {
        if let symbol { _ = try state.withLock { state throws(BinanceError) in try state.exchange.symbol(symbol) } }
        let rows = positionRows(symbol: symbol, includeFlat: v2)
        let time = now()
        return Self.json { writer in
            writer.beginArray()
            for row in rows {
                SimJSON.position(row.spec, row.position, mark: row.mark, leverage: row.leverage, v2: v2, time: time,
                                 marginType: row.marginType, liquidationPrice: row.liquidationPrice, into: &writer)
            }
            writer.endArray()
        }
    }

    /// One listenKey per account: POST returns the live one (extending it) or makes one; PUT
    /// extends it (-1125 when unknown or expired); DELETE ends it. API key only, unsigned.
    private func addListenKeyRoutes(to router: inout Router) {
        let path = "/fapi/v1/listenKey"
        let validity: Int64 = 60 * 60 * 1000
        router.post(path, endpoint(.apiKey, weight: 1) { [self] _, _ in
            let key = state.withLock { state -> String in
                let time = now()
                if let current = state.listenKey, current.expires > time {
                    state.listenKey = (current.key, time + validity)
                    return current.key
                }
                let fresh = SimConfiguration.randomHex()
                state.listenKey = (fresh, time + validity)
                return fresh
            }
            return Self.json { $0.beginObject(); $0.key("listenKey"); $0.value(key); $0.endObject() }
        })
        router.put(path, endpoint(.apiKey, weight: 1) { [self] _, parameters throws(BinanceError) in
            let key = try state.withLock { state throws(BinanceError) -> String in
                let time = now()
                guard let current = state.listenKey, current.expires > time,
                      parameters["listenKey"] == nil || parameters["listenKey"] == current.key
                else { throw BinanceError(code: -1125, "This listenKey does not exist.") }
                state.listenKey = (current.key, time + validity)
                return current.key
            }
            return Self.json { $0.beginObject(); $0.key("listenKey"); $0.value(key); $0.endObject() }
        })
        router.delete(path, endpoint(.apiKey, weight: 1) { [self] _, _ in
            state.withLock { $0.listenKey = nil }
            return Array("{}".utf8)
        })
    }
}
