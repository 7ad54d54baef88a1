import AlphaCore
import AlphaJSON

/// `ExchangeWallet` for a Binance account: the SAPI wallet endpoints (on api.binance.com in
/// production) and the futures income history's TRANSFER lines.
public final class BinanceWallet: ExchangeWallet {
    /// Futures endpoints (`/fapi/v1/income`).
    let futures: BinanceRESTClient
    /// Wallet endpoints (`/sapi/…`).
    let wallet: BinanceRESTClient

    public init(futures: BinanceRESTClient, wallet: BinanceRESTClient) {
        self.futures = futures
        self.wallet = wallet
    }

    public func transfer(asset: String, amount: Amount, direction: TransferDirection) throws -> String {
        let type = direction == .toFutures ? "MAIN_UMFUTURE" : "UMFUTURE_MAIN"
        guard case .object(let answer) = try wallet.signed("POST", "/sapi/v1/asset/transfer", [("type", type), ("asset", asset),
                                                                                                ("amount", amount.description)])
        else { throw ExchangeError.unknown(reason: "transfer: the answer is not an object") }
        return try answer.identifier("tranId")
    }

    public func withdraw(_ request: WithdrawalRequest, clientID: String) throws -> String {
        guard case .object(let answer) = try wallet.signed("POST", "/sapi/v1/capital/withdraw/apply", [
            ("coin", request.asset), ("network", request.network), ("address", request.address),
            ("amount", request.amount.description), ("withdrawOrderId", clientID),
        ]) else { throw ExchangeError.unknown(reason: "withdraw: the answer is not an object") }
        return try answer.identifier("id")
    }

    public func walletTransfers(start: Int64, limit: Int) throws -> [WalletTransfer] {
        guard case .array(let rows) = try futures.signed("GET", "/fapi/v1/income", [("incomeType", "TRANSFER"), ("startTime", String(max(0, start))),
                                                                                    ("limit", String(limit))])
        else { throw ExchangeError.unknown(reason: "income: the answer is not a list") }
        var lines: [WalletTransfer] = []
        for case .object(let row) in rows where (try? row.string("incomeType")) == "TRANSFER" {
            lines.append(WalletTransfer(transactionID: try row.identifier("tranId"), asset: try row.string("asset"), amount: try row.amount("income"),
                                        time: try row.int64("time")))
        }
        return lines
    }

    public func deposits(start: Int64) throws -> [SpotDeposit] {
        guard case .array(let rows) = try wallet.signed("GET", "/sapi/v1/capital/deposit/hisrec", [("startTime", String(max(0, start)))])
        else { throw ExchangeError.unknown(reason: "deposit history: the answer is not a list") }
        var deposits: [SpotDeposit] = []
        for case .object(let row) in rows {
            deposits.append(SpotDeposit(id: try row.identifier("id"), asset: try row.string("coin"), amount: try row.amount("amount"),
                                        network: try row.optionalString("network"), transactionHash: try row.optionalString("txId"),
                                        credited: (try? row.int64("status")) == 1, time: try row.int64("insertTime")))
        }
        return deposits
    }

    public func withdrawals(start: Int64) throws -> [SpotWithdrawal] {
        guard case .array(let rows) = try wallet.signed("GET", "/sapi/v1/capital/withdraw/history", [("startTime", String(max(0, start)))])
        else { throw ExchangeError.unknown(reason: "withdrawal history: the answer is not a list") }
        var withdrawals: [SpotWithdrawal] = []
        for case .object(let row) in rows {
            // Binance: 0 email sent, 2 awaiting approval, 4 processing, 6 completed; 1 cancelled, 3 rejected, 5 failure.
            let code = try row.int64("status")
            let status: SpotWithdrawal.Status = switch code {
            case 6: .completed
            case 1: .failed("cancelled")
            case 3: .failed("rejected by the exchange")
            case 5: .failed("failed on the network")
            default: .pending
            }
            // Binance writes "2019-10-12 11:12:02" (UTC, no zone); the simulator writes ISO-8601.
            let applied = try row.string("applyTime")
            let iso = applied.contains(" ") ? applied.replacingOccurrences(of: " ", with: "T") + "Z" : applied
            withdrawals.append(SpotWithdrawal(id: try row.identifier("id"), clientID: try row.optionalString("withdrawOrderId"),
                                              asset: try row.string("coin"), amount: try row.amount("amount"), address: try row.string("address"),
                                              network: try row.optionalString("network"), status: status,
                                              time: Timestamp(iso8601: iso)?.millisecondsSinceEpoch ?? 0))
        }
        return withdrawals
    }
}
