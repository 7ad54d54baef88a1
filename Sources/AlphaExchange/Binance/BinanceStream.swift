import AlphaCore
import AlphaJSON

/// Binance's user-data stream as an `ExchangeStream`: the socket and listenKey lifecycle are
/// `UserDataStream`'s; this turns each message into domain events before the bot sees it.
public final class BinanceStream: ExchangeStream {
    private let webSocketBase: String
    private let settings: UserDataStream.Settings
    private let makeClient: @Sendable () -> BinanceRESTClient
    private let scope: Scope
    private var stream: UserDataStream?

    public init(webSocketBase: String, settings: UserDataStream.Settings, scope: Scope,
                makeClient: @escaping @Sendable () -> BinanceRESTClient) {
        self.webSocketBase = webSocketBase
        self.settings = settings
        self.scope = scope
        self.makeClient = makeClient
    }

    public func start(_ handler: @escaping @Sendable (StreamSignal) -> Void) {
        guard stream == nil else { return }
        let scope = self.scope
        let stream = UserDataStream(webSocketBase: webSocketBase, settings: settings, makeClient: makeClient) { event in
            handler(Self.signal(for: event, scope: scope))
            if case .message(let message) = event, Self.isFundingPayment(message) { handler(.fundingSettled) }
        }
        self.stream = stream
        stream.start()
    }

    public func stop() {
        stream?.stop()
        stream = nil
    }

    static func signal(for event: UserDataStream.Event, scope: Scope) -> StreamSignal {
        switch event {
        case .connected(let listenKey): return .connected(label: "listenKey \(listenKey.prefix(8))…")
        case .disconnected(let reason): return .disconnected(reason: reason)
        case .listenKeyExpired: return .disconnected(reason: "listenKey expired")
        case .message(let message):
            do {
                return .facts(try BinanceEventTranslator.events(fromStream: message, scope: scope))
            } catch {
                return .unreadable(reason: "\(message["e"].map { "\($0)" } ?? "a message"): \(error)")
            }
        }
    }

    /// `ACCOUNT_UPDATE` with reason `FUNDING_FEE` moves the balance but names neither the symbol
    /// nor a transaction id: the income history has the line to store.
    static func isFundingPayment(_ message: JSONObject) -> Bool {
        guard message["e"] == "ACCOUNT_UPDATE", case .object(let account)? = message["a"] else { return false }
        return account["m"] == "FUNDING_FEE"
    }
}
