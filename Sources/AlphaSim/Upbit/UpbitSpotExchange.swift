import AlphaCore
import Foundation

/// One order as the Upbit simulator keeps it (Upbit's own terms: `bid`/`ask`, `ord_type`, `state`).
public struct UpbitOrder: Sendable, Equatable {
    public enum Side: String, Sendable { case bid, ask }
    /// `limit`; `price`: a market buy of a KRW total; `market`: a market sell of a volume.
    public enum Kind: String, Sendable { case limit, price, market }
    public enum State: String, Sendable { case wait, done, cancel }

    public let uuid: String
    public let identifier: String?
    public let market: String
    public let side: Side
    public let kind: Kind
    /// A limit's unit price, or a market buy's KRW total.
    public let price: Amount?
    public let volume: Amount?
    public let timeInForce: String?
    public let createdAt: Int64
    public internal(set) var state: State = .wait
    public internal(set) var executedVolume = Amount.zero
    public internal(set) var executedFunds = Amount.zero
    public internal(set) var paidFee = Amount.zero
    public internal(set) var reservedFee: Amount
    /// What is still held for the order: KRW (total and fee) for a bid, the coin for an ask.
    public internal(set) var locked: Amount
    public internal(set) var trades: [UpbitTrade] = []

    public var remainingVolume: Amount? { volume.map { $0 - executedVolume } }
    public var remainingFee: Amount { state == .wait ? reservedFee - paidFee : .zero }
}

public struct UpbitTrade: Sendable, Equatable {
    public let uuid: String
    public let market: String
    public let side: UpbitOrder.Side
    public let price: Amount
    public let volume: Amount
    public let funds: Amount
    public let fee: Amount
    public let time: Int64
}

/// One change of one order, as Upbit's private stream tells it (`myOrder`): `wait` when it rests,
/// `trade` for a fill (with it), then `done` or `cancel`.
public struct UpbitOrderUpdate: Sendable, Equatable {
    public let state: String
    public let order: UpbitOrder
    public let trade: UpbitTrade?
}

/// A currency's holdings: free, held by open orders, and the average price paid (KRW per unit).
public struct UpbitHolding: Sendable, Equatable {
    public var balance: Amount
    public var locked: Amount
    public var averageBuyPrice: Amount

    public init(balance: Amount = .zero, locked: Amount = .zero, averageBuyPrice: Amount = .zero) {
        self.balance = balance
        self.locked = locked
        self.averageBuyPrice = averageBuyPrice
    }
}

/// Upbit KRW spot as the simulator runs it: holdings per currency, orders matched against the
/// current price (there is no book of other traders, as in `SimExchange`): a marketable order
/// fills at once at the price as taker, a resting limit as maker at its own price when the price
/// reaches it. Upbit's rules are checked with its error names: the KRW price unit, the 5 000 KRW
/// minimum, funds, and an `identifier` that can never be used twice. Fees are exact
/// (funds × 0.05 %); a bid holds its total and fee until it fills or is cancelled.
public struct UpbitSpotExchange: Sendable {
    public private(set) var prices: [String: Amount]
    public private(set) var holdings: [String: UpbitHolding]
    public private(set) var orders: [String: UpbitOrder] = [:]
    /// Uuids in the order they were placed.
    public private(set) var placed: [String] = []
    /// Every identifier ever used, with its order: Upbit never accepts one twice.
    private var identifiers: [String: String] = [:]
    public var feeRate = UpbitKRWMarket.feeRate
    /// Changes not yet taken by `takeUpdates` (the simulator's stream pushes them).
    private var updates: [UpbitOrderUpdate] = []
    /// The most decimals a volume may have.
    public static let volumeDecimals = 8

    public init(prices: [String: Amount], krw: Amount) {
        self.prices = prices
        holdings = ["KRW": UpbitHolding(balance: krw)]
    }

    public static func coin(of market: String) -> String { String(market.split(separator: "-").last ?? "") }

    public func holding(_ currency: String) -> UpbitHolding { holdings[currency] ?? UpbitHolding() }

    public func order(uuid: String?, identifier: String?) throws(UpbitAPIError) -> UpbitOrder {
        guard let id = uuid ?? identifier.flatMap({ identifiers[$0] }), let order = orders[id] else { throw .orderNotFound }
        return order
    }

    // MARK: Placing

    public struct NewOrder: Sendable {
        public var market: String
        public var side: UpbitOrder.Side
        public var kind: UpbitOrder.Kind
        public var price: Amount?
        public var volume: Amount?
        public var identifier: String?
        public var timeInForce: String?

        public init(market: String, side: UpbitOrder.Side, kind: UpbitOrder.Kind, price: Amount? = nil, volume: Amount? = nil,
                    identifier: String? = nil, timeInForce: String? = nil) {
            self.market = market
            self.side = side
            self.kind = kind
            self.price = price
            self.volume = volume
            self.identifier = identifier
            self.timeInForce = timeInForce
        }
    }

    /// Checks and places an order, filling what it can at once; returns it as it stands.
    public mutating func place(_ new: NewOrder, uuid: String = UUID().uuidString.lowercased(), time: Int64) throws(UpbitAPIError) -> UpbitOrder {
        guard let mark = prices[new.market] else { throw .notFoundMarket(new.market) }
        let side = new.side.rawValue
        if let identifier = new.identifier, identifiers[identifier] != nil { throw .duplicatedIdentifier }
        if let tif = new.timeInForce, !(new.kind == .limit && (tif == "ioc" || tif == "fok")) { throw .invalidTimeInForce }
        let total: Amount
        switch (new.kind, new.side) {
        case (.limit, _):
            guard let price = new.price, price > .zero, let volume = new.volume, volume > .zero else { throw .createError(side) }
            guard UpbitKRWMarket.isOnUnit(price) else { throw .invalidPrice(side) }
            guard volume.rounded(scale: Self.volumeDecimals, mode: .down) == volume else { throw .invalidVolume(side) }
            total = price * volume
        case (.price, .bid):
            guard let price = new.price, price > .zero, new.volume == nil else { throw .createError(side) }
            total = price
        case (.market, .ask):
            guard let volume = new.volume, volume > .zero, new.price == nil else { throw .createError(side) }
            guard volume.rounded(scale: Self.volumeDecimals, mode: .down) == volume else { throw .invalidVolume(side) }
            total = mark * volume
        default:
            throw .createError(side)  // a market order the other way round (`price` sells, `market` buys)
        }
        guard total >= UpbitKRWMarket.minimumOrderValue else { throw .underMinimumTotal(side) }
        guard total <= UpbitKRWMarket.maximumOrderValue else { throw .overMaximumTotal }
        let coin = Self.coin(of: new.market)
        var order: UpbitOrder
        if new.side == .bid {
            let fee = total * feeRate
            guard holding("KRW").balance >= total + fee else { throw .insufficientFunds(side, "KRW") }
            order = UpbitOrder(uuid: uuid, identifier: new.identifier, market: new.market, side: .bid, kind: new.kind, price: new.price,
                               volume: new.volume, timeInForce: new.timeInForce, createdAt: time, reservedFee: fee, locked: total + fee)
            holdings["KRW", default: UpbitHolding()].balance -= total + fee
            holdings["KRW", default: UpbitHolding()].locked += total + fee
        } else {
            let volume = new.volume!
            guard holding(coin).balance >= volume else { throw .insufficientFunds(side, coin) }
            order = UpbitOrder(uuid: uuid, identifier: new.identifier, market: new.market, side: .ask, kind: new.kind, price: new.price,
                               volume: volume, timeInForce: new.timeInForce, createdAt: time, reservedFee: total * feeRate, locked: volume)
            holdings[coin, default: UpbitHolding()].balance -= volume
            holdings[coin, default: UpbitHolding()].locked += volume
        }
        if let identifier = new.identifier { identifiers[identifier] = uuid }
        placed.append(uuid)
        // Marketable at once: a market order always, a limit the price has reached (at the price, as taker).
        let marketable = switch new.kind {
        case .limit: new.side == .bid ? mark <= new.price! : mark >= new.price!
        case .price, .market: true
        }
        updates.append(UpbitOrderUpdate(state: "wait", order: order, trade: nil))
        if marketable {
            fill(&order, at: mark, time: time)
        } else if new.timeInForce != nil {
            release(&order)  // ioc and fok: what cannot fill now is cancelled
            order.state = .cancel
            updates.append(UpbitOrderUpdate(state: "cancel", order: order, trade: nil))
        }
        orders[uuid] = order
        return order
    }

    /// The changes since the last call, oldest first.
    public mutating func takeUpdates() -> [UpbitOrderUpdate] {
        defer { updates = [] }
        return updates
    }

    /// Cancels an open order; returns it as it was before (Upbit answers with the order still `wait`).
    public mutating func cancel(uuid: String?, identifier: String?) throws(UpbitAPIError) -> UpbitOrder {
        var order = try self.order(uuid: uuid, identifier: identifier)
        guard order.state == .wait else { throw .orderNotFound }
        let before = order
        release(&order)
        order.state = .cancel
        orders[order.uuid] = order
        updates.append(UpbitOrderUpdate(state: "cancel", order: order, trade: nil))
        return before
    }

    // MARK: The market

    /// Moves a market's price; resting limits it reaches fill at their own price, as maker.
    public mutating func setPrice(_ price: Amount, market: String, time: Int64) {
        prices[market] = price
        for uuid in placed {
            guard var order = orders[uuid], order.state == .wait, order.market == market, let limit = order.price else { continue }
            guard order.side == .bid ? price <= limit : price >= limit else { continue }
            fill(&order, at: limit, time: time)
            orders[uuid] = order
        }
    }

    /// Fills the whole order at `price`: the coin and the KRW change hands, the fee is paid, and
    /// what was held beyond it goes back. A market buy takes the volume its total buys (to 8
    /// decimals); the few won left over end it as `cancel`, as on Upbit.
    mutating func fill(_ order: inout UpbitOrder, at price: Amount, time: Int64) {
        let coin = Self.coin(of: order.market)
        let volume = order.kind == .price ? order.price!.divided(by: price, scale: Self.volumeDecimals, mode: .down) : order.remainingVolume!
        let funds = price * volume
        let fee = funds * feeRate
        if order.side == .bid {
            var bought = holding(coin)
            let held = bought.balance + bought.locked
            bought.averageBuyPrice = (bought.averageBuyPrice * held + funds).divided(by: held + volume, scale: Self.volumeDecimals)
            bought.balance += volume
            holdings[coin] = bought
            holdings["KRW", default: UpbitHolding()].locked -= funds + fee
            order.locked -= funds + fee
        } else {
            holdings[coin, default: UpbitHolding()].locked -= volume
            holdings["KRW", default: UpbitHolding()].balance += funds - fee
            order.locked -= volume
        }
        order.executedVolume += volume
        order.executedFunds += funds
        order.paidFee += fee
        order.trades.append(UpbitTrade(uuid: UUID().uuidString.lowercased(), market: order.market, side: order.side, price: price,
                                       volume: volume, funds: funds, fee: fee, time: time))
        let leftOver = order.locked
        release(&order)
        order.state = order.kind == .price && !leftOver.isZero ? .cancel : .done
        updates.append(UpbitOrderUpdate(state: "trade", order: order, trade: order.trades.last))
        updates.append(UpbitOrderUpdate(state: order.state.rawValue, order: order, trade: nil))
    }

    /// Gives back what the order still holds.
    private mutating func release(_ order: inout UpbitOrder) {
        guard !order.locked.isZero else { return }
        let currency = order.side == .bid ? "KRW" : Self.coin(of: order.market)
        holdings[currency, default: UpbitHolding()].locked -= order.locked
        holdings[currency, default: UpbitHolding()].balance += order.locked
        order.locked = .zero
    }
}

extension UpbitAPIError {
    // Orders (400 unless said), with Upbit's names and messages.
    static func createError(_ side: String) -> UpbitAPIError { UpbitAPIError(400, "create_\(side)_error", "주문 요청 정보가 올바르지 않습니다.") }
    static func invalidPrice(_ side: String) -> UpbitAPIError {
        UpbitAPIError(400, "invalid_price_\(side)", "주문가격 단위를 잘못 입력하셨습니다. 확인 후 시도해주세요.")
    }
    static func invalidVolume(_ side: String) -> UpbitAPIError {
        UpbitAPIError(400, "invalid_volume_\(side)", "주문수량 단위를 잘못 입력하셨습니다. 확인 후 시도해주세요.")
    }
    static func underMinimumTotal(_ side: String) -> UpbitAPIError { UpbitAPIError(400, "under_min_total_\(side)", "최소주문금액 이상으로 주문해주세요") }
    static let overMaximumTotal = UpbitAPIError(400, "over_krw_funds_bid", "최대 주문 가능 금액 1000000000 KRW 보다 작은 주문을 입력해 주세요.")
    static func insufficientFunds(_ side: String, _ currency: String) -> UpbitAPIError {
        UpbitAPIError(400, "insufficient_funds_\(side)", "주문 가능한 금액(\(currency))이 부족합니다.")
    }
    static func notFoundMarket(_ market: String) -> UpbitAPIError { UpbitAPIError(400, "notfoundmarket", "다음 마켓에 없는 종목입니다: \(market)") }
    static let invalidTimeInForce = UpbitAPIError(400, "invalid_time_in_force", "주문조건을 다시 확인해 주세요.")
    /// Upbit's name for a reused identifier is not documented; this is the one client libraries map.
    static let duplicatedIdentifier = UpbitAPIError(400, "duplicated_identifier", "이미 사용된 identifier입니다.")
    public static let orderNotFound = UpbitAPIError(404, "order_not_found", "주문을 찾지 못했습니다.")
}
