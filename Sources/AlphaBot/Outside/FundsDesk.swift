import AlphaCore
import AlphaExchange
import AlphaStore
import Logging

/// `InternalTransfer` and `Withdraw` (issue 15). Each records its request before it leaves
/// (write-ahead), then what came of it. A withdrawal is held against the server's withdrawal
/// policy here too — the store is shared, so the bot never trusts that the web checked — and goes
/// out under `ae-<command id>`, by which the wallet's history later names it ours.
public final class FundsDesk: CommandHandler {
    private let wallet: (any ExchangeWallet)?
    private let writer: any EventJournal
    private let commands: any CommandQueue
    private let capabilities: VenueCapabilities
    private let policy: WithdrawalPolicy
    private let log: Logger

    public init(wallet: (any ExchangeWallet)?, writer: any EventJournal, commands: any CommandQueue, capabilities: VenueCapabilities,
                policy: WithdrawalPolicy, log: Logger = Logger(label: "funds")) {
        self.wallet = wallet
        self.writer = writer
        self.commands = commands
        self.capabilities = capabilities
        self.policy = policy
        self.log = log
    }

    public func handle(_ command: Command, _ time: KernelTime) throws -> Command {
        let request: CommandRequest
        do throws(CommandPayloadError) {
            request = try CommandRequest(type: command.type, payload: command.payload, venue: capabilities)
        } catch {
            return try commands.fail(command.id, error: "invalid \(command.type.rawValue) payload: \(error)", now: time.now)
        }
        guard let wallet else {
            return try commands.fail(command.id, error: "\(capabilities.name) in this mode has no wallet API (the futures testnet has none)", now: time.now)
        }
        switch request {
        case .internalTransfer(let asset, let amount, let direction):
            return try transfer(command, wallet, asset: asset, amount: amount, direction: direction, time)
        case .withdraw(let withdrawal):
            return try withdraw(command, wallet, withdrawal, time)
        default:
            return try commands.fail(command.id, error: "\(command.type.rawValue) is not a funds command", now: time.now)
        }
    }

    private func transfer(_ command: Command, _ wallet: any ExchangeWallet, asset: String, amount: Amount, direction: TransferDirection,
                          _ time: KernelTime) throws -> Command {
        var movement = FundMovementPayload(movementID: command.id, wallet: direction == .toFutures ? .futures : .spot, asset: asset, amount: amount,
                                           direction: direction, origin: .command, time: time.now.millisecondsSinceEpoch)
        try record(.internalTransferRequested, movement, command, key: DedupKey.transfer(transactionID: command.id, status: "REQUESTED"))
        do {
            let transactionID = try wallet.transfer(asset: asset, amount: amount, direction: direction)
            movement.exchangeID = transactionID
            // The wallet history's line for this transfer has the same key: it is not counted again as someone else's.
            return try settle(.internalTransferCompleted, movement, command, key: DedupKey.transfer(transactionID: transactionID, status: "DONE"),
                              result: ["tranId": .string(transactionID)], time)
        } catch let error as ExchangeError where error.isDefinitive {
            movement.reason = error.description
            return try settle(.internalTransferFailed, movement, command, key: DedupKey.transfer(transactionID: command.id, status: "FAILED"),
                              error: "transfer refused: \(error)", time)
        } catch {
            // Unknown: not sent again (a transfer has no id of ours to look it up by); if it
            // happened, the wallet's history shows it and the funds scan records it.
            return try commands.fail(command.id, error: "transfer outcome unknown (\(error)); not retried — the funds list shows it if it happened",
                                     now: time.now)
        }
    }

    private func withdraw(_ command: Command, _ wallet: any ExchangeWallet, _ request: WithdrawalRequest, _ time: KernelTime) throws -> Command {
        if let refusal = policy.check(request, actor: command.actor) {
            log.notice("withdrawal refused", metadata: ["command": "\(command.id)", "rule": "\(refusal.rule)"])
            return try commands.fail(command.id, error: "refused by \(refusal.rule): \(refusal.reason)", result: ["rule": .string(refusal.rule)],
                                     now: time.now)
        }
        var movement = FundMovementPayload(movementID: command.id, wallet: .spot, asset: request.asset, amount: request.amount, origin: .command,
                                           address: request.address, network: request.network, time: time.now.millisecondsSinceEpoch)
        try record(.withdrawRequested, movement, command, key: DedupKey.withdrawal(withdrawalID: command.id, status: "REQUESTED"))
        do {
            let id = try wallet.withdraw(request, clientID: ClientOrderID.prefix + command.id)
            // Completed (or failed) is the wallet history's to say; the funds scan records it.
            return try commands.acknowledge(command.id, result: ["withdrawId": .string(id)], now: time.now)
        } catch let error as ExchangeError where error.isDefinitive {
            movement.reason = error.description
            return try settle(.withdrawFailed, movement, command, key: DedupKey.withdrawal(withdrawalID: command.id, status: "FAILED"),
                              error: "withdrawal refused: \(error)", time)
        } catch {
            return try commands.fail(command.id, error: "withdrawal outcome unknown (\(error)); not retried — the funds list shows it if it went out",
                                     now: time.now)
        }
    }

    private func event(_ type: EventType, _ movement: FundMovementPayload, _ command: Command, key: String) -> Event {
        Event(type: type, correlationID: command.correlationID, commandID: command.id, source: .bot,
              entityKind: type == .withdrawRequested || type == .withdrawFailed ? .withdrawal : .transfer, entityID: command.id, scope: command.scope,
              dedupKey: key, payload: movement.json)
    }

    private func record(_ type: EventType, _ movement: FundMovementPayload, _ command: Command, key: String) throws {
        _ = try writer.append(event(type, movement, command, key: key))
    }

    /// The outcome event and the command's end, in one transaction.
    private func settle(_ type: EventType, _ movement: FundMovementPayload, _ command: Command, key: String, result: JSONObject = [:],
                        error: String? = nil, _ time: KernelTime) throws -> Command {
        var settled: Command?
        _ = try writer.append([event(type, movement, command, key: key)]) {
            settled = if let error {
                try self.commands.fail(command.id, error: error, result: nil, now: time.now)
            } else {
                try self.commands.acknowledge(command.id, result: result, now: time.now)
            }
        }
        return settled ?? command
    }
}
