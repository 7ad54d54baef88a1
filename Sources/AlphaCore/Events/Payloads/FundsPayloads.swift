/// The wallets a futures account's money moves between.
public enum FundWallet: String, Sendable, CaseIterable {
    /// The USDⓈ-M futures wallet AlphaEngine trades from: its equity and risk base.
    case futures = "FUTURES"
    /// The spot wallet, where deposits land and withdrawals leave from.
    case spot = "SPOT"
}

/// Which way an internal transfer goes.
public enum TransferDirection: String, Sendable, CaseIterable {
    case toFutures = "TO_FUTURES", toSpot = "TO_SPOT"
}

/// Who moved the money: one of our commands, or someone outside AlphaEngine.
public enum FundOrigin: String, Sendable, CaseIterable {
    case command = "COMMAND", outside = "OUTSIDE"
}

/// One movement of money into, out of or within the account: DepositDetected,
/// InternalTransferRequested/Completed/Failed and WithdrawRequested/Completed/Failed. It never
/// enters trading PnL; balances move through BalanceChanged, as the exchange reports them.
public struct FundMovementPayload: Payload {
    /// Stable across copies: the exchange's id for outside movements, the command's for ours.
    public var movementID: String
    /// The wallet the money entered (deposit) or left (withdrawal); for a transfer, where it went.
    public var wallet: FundWallet
    public var asset: String
    /// The size of the movement, always positive.
    public var amount: Amount
    public var direction: TransferDirection?
    public var origin: FundOrigin
    public var address: String?
    public var network: String?
    /// The exchange's id (transfer `tranId`, withdrawal id, deposit `txId`) once known.
    public var exchangeID: String?
    /// Why it failed, for the Failed events.
    public var reason: String?
    public var time: Int64

    public init(movementID: String, wallet: FundWallet, asset: String, amount: Amount, direction: TransferDirection? = nil,
                origin: FundOrigin, address: String? = nil, network: String? = nil, exchangeID: String? = nil, reason: String? = nil,
                time: Int64) {
        self.movementID = movementID
        self.wallet = wallet
        self.asset = asset
        self.amount = amount
        self.direction = direction
        self.origin = origin
        self.address = address
        self.network = network
        self.exchangeID = exchangeID
        self.reason = reason
        self.time = time
    }

    public init(json: JSONObject) throws(PayloadError) {
        movementID = try json.string("movementId")
        wallet = try json.choice("wallet", as: FundWallet.self)
        asset = try json.string("asset")
        amount = try json.amount("amount")
        direction = try json.optionalString("direction").map { (text) throws(PayloadError) -> TransferDirection in
            guard let direction = TransferDirection(rawValue: text) else { throw .invalidValue(field: "direction", reason: "TO_FUTURES or TO_SPOT") }
            return direction
        }
        origin = try json.choice("origin", as: FundOrigin.self)
        address = try json.optionalString("address")
        network = try json.optionalString("network")
        exchangeID = try json.optionalString("exchangeId")
        reason = try json.optionalString("reason")
        time = try json.int64("time")
    }

    public var json: JSONObject {
        var object: JSONObject = [
            "movementId": .string(movementID), "wallet": .string(wallet.rawValue), "asset": .string(asset), "amount": .amount(amount),
            "origin": .string(origin.rawValue), "time": .int(time),
        ]
        if let direction { object["direction"] = .string(direction.rawValue) }
        if let address { object["address"] = .string(address) }
        if let network { object["network"] = .string(network) }
        if let exchangeID { object["exchangeId"] = .string(exchangeID) }
        if let reason { object["reason"] = .string(reason) }
        return object
    }
}
