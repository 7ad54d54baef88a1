import AlphaCore

/// Money moving in and out of the account (issue 15), in AlphaEngine's terms. A venue without a
/// wallet API (Binance's futures testnet) has none, and fund commands fail saying so.
public protocol ExchangeWallet: AnyObject {
    /// Moves money between spot and futures; returns the exchange's transfer id.
    func transfer(asset: String, amount: Amount, direction: TransferDirection) throws -> String
    /// Applies for a withdrawal from spot under our id; returns the exchange's withdrawal id.
    func withdraw(_ request: WithdrawalRequest, clientID: String) throws -> String
    /// Money that entered or left the futures wallet by transfer since `start` (ms), oldest first.
    func walletTransfers(start: Int64, limit: Int) throws -> [WalletTransfer]
    /// Deposits into spot since `start` (ms).
    func deposits(start: Int64) throws -> [SpotDeposit]
    /// Withdrawals from spot since `start` (ms), ours and anyone's.
    func withdrawals(start: Int64) throws -> [SpotWithdrawal]
}

/// One transfer line of the futures wallet: positive in, negative out.
public struct WalletTransfer: Sendable, Equatable {
    public var transactionID: String
    public var asset: String
    public var amount: Amount
    public var time: Int64

    public init(transactionID: String, asset: String, amount: Amount, time: Int64) {
        self.transactionID = transactionID
        self.asset = asset
        self.amount = amount
        self.time = time
    }
}

public struct SpotDeposit: Sendable, Equatable {
    public var id: String
    public var asset: String
    public var amount: Amount
    public var network: String?
    public var transactionHash: String?
    /// Credited (Binance status 1); pending deposits are not counted yet.
    public var credited: Bool
    public var time: Int64

    public init(id: String, asset: String, amount: Amount, network: String?, transactionHash: String?, credited: Bool, time: Int64) {
        self.id = id
        self.asset = asset
        self.amount = amount
        self.network = network
        self.transactionHash = transactionHash
        self.credited = credited
        self.time = time
    }
}

public struct SpotWithdrawal: Sendable, Equatable {
    public enum Status: Sendable, Equatable { case pending, completed, failed(String) }
    public var id: String
    /// Our id when we applied for it (Binance `withdrawOrderId`).
    public var clientID: String?
    public var asset: String
    public var amount: Amount
    public var address: String
    public var network: String?
    public var status: Status
    public var time: Int64

    public init(id: String, clientID: String?, asset: String, amount: Amount, address: String, network: String?, status: Status, time: Int64) {
        self.id = id
        self.clientID = clientID
        self.asset = asset
        self.amount = amount
        self.address = address
        self.network = network
        self.status = status
        self.time = time
    }
}
