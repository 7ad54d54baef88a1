import AlphaCore
import AlphaExchange
import AlphaStore

/// Money moving in and out, from the wallet's own history (REST, the truth): transfer lines of
/// the futures wallet, deposits into spot, withdrawals from spot. Each becomes one event under the
/// fact's own dedup key, shared with the event our command recorded for the same fact, so our
/// transfers and withdrawals are never counted again as someone else's. None of it is PnL.
public final class FundsScan {
    private let wallet: any ExchangeWallet
    private let writer: any EventJournal
    private let scope: Scope
    private let clock: any Clock
    /// How far back the first scan reads.
    public var history: Int64 = 7 * 24 * 3_600_000
    /// How far back deposits and withdrawals are always read: their rows carry the time they were
    /// made, and they settle (credited, completed) minutes to hours later.
    public var settlingWindow: Int64 = 3 * 24 * 3_600_000
    public var pageSize = 1000

    public init(wallet: any ExchangeWallet, writer: any EventJournal, scope: Scope, clock: any Clock) {
        self.wallet = wallet
        self.writer = writer
        self.scope = scope
        self.clock = clock
    }

    /// Records what moved since `since` (ms; nil: the last week); returns how many events were new.
    @discardableResult
    public func run(since: Int64?) throws -> Int {
        let start = since ?? (clock.now.millisecondsSinceEpoch - history)
        var events: [Event] = []
        for line in try wallet.walletTransfers(start: start, limit: pageSize) {
            let incoming = !line.amount.isNegative
            let payload = FundMovementPayload(movementID: line.transactionID, wallet: .futures, asset: line.asset, amount: line.amount.magnitude,
                                              origin: .outside, exchangeID: line.transactionID, time: line.time)
            events.append(Event(type: incoming ? .depositDetected : .withdrawCompleted, source: .rest,
                                entityKind: incoming ? .deposit : .withdrawal, entityID: line.transactionID, scope: scope,
                                dedupKey: DedupKey.transfer(transactionID: line.transactionID, status: "DONE"), payload: payload.json))
        }
        let settling = min(start, clock.now.millisecondsSinceEpoch - settlingWindow)
        for deposit in try wallet.deposits(start: settling) where deposit.credited {
            let payload = FundMovementPayload(movementID: deposit.id, wallet: .spot, asset: deposit.asset, amount: deposit.amount, origin: .outside,
                                              network: deposit.network, exchangeID: deposit.transactionHash ?? deposit.id, time: deposit.time)
            events.append(Event(type: .depositDetected, source: .rest, entityKind: .deposit, entityID: deposit.id, scope: scope,
                                dedupKey: DedupKey.deposit(transactionID: deposit.id), payload: payload.json))
        }
        for withdrawal in try wallet.withdrawals(start: settling) {
            let type: EventType
            var reason: String?
            switch withdrawal.status {
            case .pending: continue
            case .completed: type = .withdrawCompleted
            case .failed(let why):
                type = .withdrawFailed
                reason = why
            }
            // Ours carry `ae-<command id>`: the movement is the command's, as its request event said.
            let commandID = withdrawal.clientID.flatMap(ClientOrderID.commandID(of:))
            let payload = FundMovementPayload(movementID: commandID ?? withdrawal.id, wallet: .spot, asset: withdrawal.asset, amount: withdrawal.amount,
                                              origin: commandID == nil ? .outside : .command, address: withdrawal.address,
                                              network: withdrawal.network, exchangeID: withdrawal.id, reason: reason, time: withdrawal.time)
            var event = Event(type: type, source: .rest, entityKind: .withdrawal, entityID: commandID ?? withdrawal.id, scope: scope,
                              dedupKey: DedupKey.withdrawal(withdrawalID: withdrawal.id, status: type == .withdrawCompleted ? "COMPLETED" : "FAILED"),
                              payload: payload.json)
            event.commandID = commandID
            events.append(event)
        }
        return try writer.append(events).filter { !$0.isDuplicate }.count
    }
}
