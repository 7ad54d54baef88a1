import AlphaCore

/// The spot wallet beside the futures account: where deposits land, where withdrawals leave
/// from, and the other side of internal transfers (Binance's wallet API, `/sapi/v1/…`).
public struct SimWallet: Sendable {
    public struct Deposit: Sendable, Equatable {
        public let id: String
        public let amount: Amount
        public let txId: String
        public let time: Int64
    }

    public struct Withdrawal: Sendable, Equatable {
        public let id: String
        public let amount: Amount
        public let address: String
        public let network: String
        /// The client's own id for it (`withdrawOrderId`), when it sent one.
        public let clientId: String?
        public let time: Int64
    }

    public private(set) var spotBalance: Amount = .zero
    public private(set) var deposits: [Deposit] = []
    public private(set) var withdrawals: [Withdrawal] = []
    private var nextId = 1

    public init() {}

    /// A deposit arriving from outside into spot.
    public mutating func deposit(_ amount: Amount, time: Int64) -> Deposit {
        let deposit = Deposit(id: "dep-\(nextId)", amount: amount, txId: "0xsim\(String(nextId, radix: 16))", time: time)
        nextId += 1
        spotBalance += amount
        deposits.append(deposit)
        return deposit
    }

    public mutating func withdraw(_ amount: Amount, address: String, network: String = "TRX", clientId: String? = nil,
                                  time: Int64) throws(BinanceError) -> Withdrawal {
        guard amount <= spotBalance else { throw BinanceError(code: -4026, "User has insufficient balance") }
        let withdrawal = Withdrawal(id: "wd-\(nextId)", amount: amount, address: address, network: network, clientId: clientId, time: time)
        nextId += 1
        spotBalance -= amount
        withdrawals.append(withdrawal)
        return withdrawal
    }

    /// Moves money between spot and futures; `toFutures` false moves it back.
    mutating func move(_ amount: Amount, toFutures: Bool) throws(BinanceError) {
        if toFutures {
            guard amount <= spotBalance else { throw BinanceError(code: -5002, "You have insufficient balance.") }
            spotBalance -= amount
        } else {
            spotBalance += amount
        }
    }
}
