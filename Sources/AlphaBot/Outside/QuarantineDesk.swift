import AlphaCore
import AlphaExchange
import AlphaStore
import Logging

/// `ResolveQuarantine`: a user's decision about a symbol someone else traded (issue 15).
/// - IGNORE: everything stays as it is; the strategy stays off the symbol.
/// - ADOPT: the exchange's position becomes the strategy's, and its protective stop is placed.
/// - CLOSE: the outside orders are cancelled and the whole position flattened.
/// The orders it places are follow-up commands through the order executor, with idempotency keys
/// made of the quarantine's id, so a repeat or a restart can never place them twice.
public final class QuarantineDesk: CommandHandler {
    private let account: any ExchangeAccount
    private let writer: any EventJournal
    private let commands: any CommandQueue
    private let capabilities: VenueCapabilities
    private let log: Logger
    /// Told after a follow-up command was inserted.
    public var commandsQueued: () -> Void = {}
    /// The latest mark prices: an adopted position's stop must be on the losing side of the market.
    public var marks: () -> [String: Amount] = { [:] }

    public init(account: any ExchangeAccount, writer: any EventJournal, commands: any CommandQueue, capabilities: VenueCapabilities,
                log: Logger = Logger(label: "quarantine")) {
        self.account = account
        self.writer = writer
        self.commands = commands
        self.capabilities = capabilities
        self.log = log
    }

    public func handle(_ command: Command, _ time: KernelTime) throws -> Command {
        guard case .resolveQuarantine(let symbol, let action, let stopPrice)? = try? CommandRequest(type: command.type, payload: command.payload,
                                                                                                  venue: capabilities)
        else { return try commands.fail(command.id, error: "invalid ResolveQuarantine payload", now: time.now) }
        guard let quarantine = writer.state.quarantines[symbol] else {
            return try commands.fail(command.id, error: "\(symbol) is not in quarantine", now: time.now)
        }
        if action == .ignore, quarantine.status == .ignored {
            return try commands.fail(command.id, error: "\(symbol)'s quarantine is already ignored (by \(quarantine.ignoredBy ?? "someone"))", now: time.now)
        }
        do {
            switch action {
            case .ignore:
                return try complete(command, quarantine, action, detail: "left as it is; the strategy stays off \(symbol) until a user adopts it",
                                    ownedAfter: nil, time)
            case .adopt:
                return try adopt(command, quarantine, stopPrice: stopPrice, time)
            case .close:
                return try close(command, quarantine, time)
            }
        } catch let error as ExchangeError {
            // Nothing is half-done that a repeat would do twice: cancels are harmless to repeat and
            // the follow-up orders are keyed by the quarantine.
            return try commands.fail(command.id, error: "exchange: \(error); nothing was decided, send it again", now: time.now)
        }
    }

    private func adopt(_ command: Command, _ quarantine: Quarantine, stopPrice: Amount?, _ time: KernelTime) throws -> Command {
        let symbol = quarantine.symbol
        // Someone's orders still working on the symbol would trade beside the strategy: they go first.
        for event in try account.openOrders(symbol: symbol) { _ = try writer.append(event) }
        let outside = writer.state.outsideOpenOrders(symbol)
        if !outside.isEmpty {
            return try commands.fail(command.id, error: "\(outside.count) outside order(s) are still open on \(symbol) ("
                + outside.map(\.clientOrderID).joined(separator: ", ") + "): cancel them first (CancelOrder by client id) or CLOSE", now: time.now)
        }
        let position = try exchangePosition(symbol)
        guard !position.amount.isZero else {
            return try complete(command, quarantine, .adopt, detail: "the position is flat: \(symbol) is the strategy's again", ownedAfter: .zero, time)
        }
        guard let stopPrice else {
            return try commands.fail(command.id, error: "adopting \(position.amount) \(symbol) needs payload.stopPrice, the protective stop's trigger",
                                     now: time.now)
        }
        // A stop the market has already passed would trigger at once (Binance refuses it): it must be
        // under the mark for a long, over it for a short (the entry price when no mark is known).
        let long = position.amount > .zero
        let (reference, what) = marks()[symbol].map { ($0, "mark price") } ?? (position.entryPrice, "entry price")
        if long ? stopPrice >= reference : stopPrice <= reference {
            return try commands.fail(command.id, error: "payload.stopPrice \(stopPrice) must be \(long ? "below" : "above") the \(what) "
                + "\(reference) for a \(long ? "long" : "short") position", now: time.now)
        }
        let stop = try followUp(command, quarantine, key: "stop", [
            "symbol": .string(symbol), "side": .string(long ? "SELL" : "BUY"), "type": "STOP_MARKET",
            "quantity": .string(position.amount.magnitude.description), "stopPrice": .string(stopPrice.description), "reduceOnly": true,
        ], time)
        return try complete(command, quarantine, .adopt, detail: "the strategy manages \(position.amount) \(symbol); protective stop at \(stopPrice)",
                            ownedAfter: position.amount, followUp: stop, time)
    }

    private func close(_ command: Command, _ quarantine: Quarantine, _ time: KernelTime) throws -> Command {
        let symbol = quarantine.symbol
        // The exchange's list, not only the ones we heard of: an outside order the stream missed is cancelled too.
        for event in try account.openOrders(symbol: symbol) { _ = try writer.append(event) }
        var cancelled: [String] = []
        for order in writer.state.outsideOpenOrders(symbol) {
            do {
                _ = try writer.append(try account.cancel(symbol: symbol, clientOrderID: order.clientOrderID, type: order.type))
            } catch let error as ExchangeError where error.isNotFound || error.isDefinitive && !error.isRetryableLater {
                // Filled or gone meanwhile: record what it is now.
                if let state = try? account.order(symbol: symbol, clientOrderID: order.clientOrderID, type: order.type) { _ = try writer.append(state) }
                continue
            }
            cancelled.append(order.clientOrderID)
        }
        let position = try exchangePosition(symbol)
        var flatten: String?
        if !position.amount.isZero {
            flatten = try followUp(command, quarantine, key: "close", [
                "symbol": .string(symbol), "side": .string(position.amount > .zero ? "SELL" : "BUY"), "type": "MARKET",
                "quantity": .string(position.amount.magnitude.description), "reduceOnly": true,
            ], time)
        }
        let detail = "cancelled \(cancelled.count) outside order(s)" + (position.amount.isZero ? "; the position is flat" : "; flattening \(position.amount) \(symbol)")
        return try complete(command, quarantine, .close, detail: detail, ownedAfter: position.amount, cancelled: cancelled, followUp: flatten, time)
    }

    private func exchangePosition(_ symbol: String) throws -> PositionPayload {
        try account.positions(symbol: symbol).first { $0.symbol == symbol }
            ?? PositionPayload(symbol: symbol, amount: .zero, entryPrice: .zero, time: 0)
    }

    /// A follow-up order command, as the user's own (the user decided), keyed by the quarantine.
    private func followUp(_ command: Command, _ quarantine: Quarantine, key: String, _ payload: JSONObject, _ time: KernelTime) throws -> String {
        let child = Command(type: .placeOrder, ts: time.now, correlationID: command.correlationID, causationID: command.id, actor: command.actor,
                            scope: command.scope, idempotencyKey: "quarantine:\(quarantine.id):\(key)", payload: payload)
        let inserted = try commands.insert(child).command
        commandsQueued()
        return inserted.id
    }

    private func complete(_ command: Command, _ quarantine: Quarantine, _ action: QuarantineAction, detail: String, ownedAfter: Amount?,
                          cancelled: [String] = [], followUp: String? = nil, _ time: KernelTime) throws -> Command {
        let payload = QuarantineCompletedPayload(quarantineID: quarantine.id, symbol: quarantine.symbol, action: action,
                                                 by: "\(command.actor.kind.rawValue):\(command.actor.id)", detail: detail, ownedAfter: ownedAfter,
                                                 cancelled: cancelled, followUpCommandID: followUp, time: time.now.millisecondsSinceEpoch)
        let event = Event(type: .quarantineCompleted, correlationID: command.correlationID, commandID: command.id, source: .bot,
                          entityKind: .quarantine, entityID: quarantine.symbol, scope: command.scope,
                          dedupKey: DedupKey.quarantine(id: quarantine.id, phase: action == .ignore ? "ignored" : "completed"), payload: payload.json)
        var result: JSONObject = ["quarantineId": .string(quarantine.id), "action": .string(action.rawValue), "detail": .string(detail)]
        if let followUp { result["followUpCommandId"] = .string(followUp) }
        var acknowledged: Command?
        _ = try writer.append([event]) { acknowledged = try self.commands.acknowledge(command.id, result: result, now: time.now) }
        log.notice("quarantine \(quarantine.id) on \(quarantine.symbol): \(action.rawValue)", metadata: ["detail": "\(detail)"])
        return acknowledged ?? command
    }
}
