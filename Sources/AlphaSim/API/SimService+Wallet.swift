import AlphaCore
import AlphaHTTP
import AlphaJSON

/// Binance's wallet API, as far as a futures account meets it: internal transfers between spot
/// and USDⓈ-M futures, deposit and withdrawal history, withdrawals, the coin list ccxt asks for.
/// The wallet API's own limits (per-UID weights on api.binance.com) are not simulated, so these
/// endpoints weigh 1 against the futures request weight rather than eating into it.
extension SimService {
    func addWalletRoutes(to router: inout Router) {
        // Both transfer endpoints: the universal one (type MAIN_UMFUTURE / UMFUTURE_MAIN) and the
        // older futures one (type 1 = spot → futures, 2 = futures → spot).
        router.post("/sapi/v1/asset/transfer", endpoint(.signed, weight: 1) { [self] _, parameters throws(BinanceError) in
            let toFutures: Bool
            switch try parameters.required("type") {
            case "MAIN_UMFUTURE": toFutures = true
            case "UMFUTURE_MAIN": toFutures = false
            default: throw .invalid("type")
            }
            return try transfer(parameters, toFutures: toFutures)
        })
        router.post("/sapi/v1/futures/transfer", endpoint(.signed, weight: 1) { [self] _, parameters throws(BinanceError) in
            switch try parameters.required("type") {
            case "1": return try transfer(parameters, toFutures: true)
            case "2": return try transfer(parameters, toFutures: false)
            default: throw .invalid("type")
            }
        })
        router.get("/sapi/v1/capital/deposit/hisrec", endpoint(.signed, weight: 1) { [self] _, _ in
            let deposits = state.withLock { $0.wallet.deposits }
            return Self.json { writer in
                writer.beginArray()
                for deposit in deposits {
                    writer.beginObject()
                    writer.key("id"); writer.value(deposit.id)
                    writer.key("amount"); writer.value(deposit.amount.description)
                    writer.key("coin"); writer.value("USDT")
                    writer.key("network"); writer.value("TRX")
                    writer.key("status"); writer.value(1)
                    writer.key("address"); writer.value("Tsimdepositaddress")
                    writer.key("txId"); writer.value(deposit.txId)
                    writer.key("insertTime"); writer.value(deposit.time)
                    writer.key("confirmTimes"); writer.value("1/1")
                    writer.endObject()
                }
                writer.endArray()
            }
        })
        router.post("/sapi/v1/capital/withdraw/apply", endpoint(.signed, weight: 1) { [self] _, parameters throws(BinanceError) in
            guard try parameters.required("coin") == "USDT" else { throw .invalid("coin") }
            let address = try parameters.required("address")
            guard let amount = Amount(try parameters.required("amount")), !amount.isNegative, !amount.isZero else { throw .invalid("amount") }
            let network = parameters["network"] ?? "TRX"
            let clientId = parameters["withdrawOrderId"]
            let time = now()
            let withdrawal = try state.withLock { state throws(BinanceError) -> SimWallet.Withdrawal in
                // Binance refuses a second withdrawal under the same withdrawOrderId.
                if let clientId, state.wallet.withdrawals.contains(where: { $0.clientId == clientId }) {
                    throw BinanceError(code: -4041, "Duplicate withdrawOrderId")
                }
                return try state.wallet.withdraw(amount, address: address, network: network, clientId: clientId, time: time)
            }
            return Self.json { $0.beginObject(); $0.key("id"); $0.value(withdrawal.id); $0.endObject() }
        })
        router.get("/sapi/v1/capital/withdraw/history", endpoint(.signed, weight: 1) { [self] _, _ in
            let withdrawals = state.withLock { $0.wallet.withdrawals }
            return Self.json { writer in
                writer.beginArray()
                for withdrawal in withdrawals {
                    writer.beginObject()
                    writer.key("id"); writer.value(withdrawal.id)
                    writer.key("amount"); writer.value(withdrawal.amount.description)
                    writer.key("transactionFee"); writer.value("0")
                    writer.key("coin"); writer.value("USDT")
                    writer.key("status"); writer.value(6)
                    writer.key("address"); writer.value(withdrawal.address)
                    writer.key("network"); writer.value(withdrawal.network)
                    if let clientId = withdrawal.clientId { writer.key("withdrawOrderId"); writer.value(clientId) }
                    writer.key("applyTime"); writer.value(Timestamp(millisecondsSinceEpoch: withdrawal.time).iso8601)
                    writer.endObject()
                }
                writer.endArray()
            }
        })
        router.get("/sapi/v1/capital/config/getall", endpoint(.signed, weight: 10) { [self] _, _ in
            let free = state.withLock { $0.wallet.spotBalance }
            return Self.json { writer in
                writer.beginArray()
                writer.beginObject()
                writer.key("coin"); writer.value("USDT")
                writer.key("name"); writer.value("TetherUS")
                writer.key("free"); writer.value(free.description)
                writer.key("locked"); writer.value("0")
                writer.key("depositAllEnable"); writer.value(true)
                writer.key("withdrawAllEnable"); writer.value(true)
                writer.key("trading"); writer.value(true)
                writer.key("networkList"); writer.beginArray(); writer.endArray()
                writer.endObject()
                writer.endArray()
            }
        })
    }

    /// A transfer moves the wallet and streams ACCOUNT_UPDATE (reason ASSET_TRANSFER), like Binance.
    private func transfer(_ parameters: BinanceParameters, toFutures: Bool) throws(BinanceError) -> [UInt8] {
        guard try parameters.required("asset") == "USDT" else { throw .invalid("asset") }
        guard let amount = Amount(try parameters.required("amount")), !amount.isNegative, !amount.isZero else { throw .invalid("amount") }
        let time = now()
        let (tranId, events, key) = try state.withLock { state throws(BinanceError) -> (Int64, [[UInt8]], String?) in
            if !toFutures {
                guard amount <= state.exchange.availableBalance else { throw BinanceError(code: -5002, "You have insufficient balance.") }
            }
            try state.wallet.move(amount, toFutures: toFutures)
            let signed = toFutures ? amount : -amount
            state.exchange.transfer(signed, time: time)
            let event = UserDataEvents.accountUpdate(reason: "ASSET_TRANSFER", wallet: state.exchange.ledger.walletBalance,
                                                     balanceChange: signed, positions: [], time: time)
            return (state.exchange.ledger.income.last?.id ?? 0, [event], state.liveListenKey(at: time))
        }
        publish(events, listenKey: key)
        return Self.json { $0.beginObject(); $0.key("tranId"); $0.value(tranId); $0.endObject() }
    }
}
