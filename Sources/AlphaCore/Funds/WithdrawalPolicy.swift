/// Where money may leave to (issue 15). It lives in the server's configuration file, not in the
/// runtime configuration the web edits: whoever holds an admin login must not be able to add
/// their own address and then withdraw to it. Off unless the file turns it on.
public struct WithdrawalPolicy: Sendable, Equatable {
    /// One destination the owner approved.
    public struct Destination: Sendable, Equatable {
        public var asset: String
        public var address: String
        public var network: String

        public init(asset: String, address: String, network: String) {
            self.asset = asset
            self.address = address
            self.network = network
        }
    }

    public var enabled: Bool
    public var allowed: [Destination]
    /// How recent the login behind a withdrawal must be.
    public var freshLoginSeconds: Int64

    public static let defaultFreshLoginSeconds: Int64 = 300

    public init(enabled: Bool = false, allowed: [Destination] = [], freshLoginSeconds: Int64 = defaultFreshLoginSeconds) {
        self.enabled = enabled
        self.allowed = allowed
        self.freshLoginSeconds = freshLoginSeconds
    }

    /// The rules the bot and the web both hold a withdrawal against; nil when it may go.
    public func check(_ request: WithdrawalRequest, actor: Actor) -> PreTradeRefusal? {
        guard enabled else {
            return PreTradeRefusal(rule: "WITHDRAWALS_DISABLED", reason: "withdrawals are off; the server's configuration file turns them on "
                + "(withdrawals.enabled)")
        }
        guard actor.kind == .user else {
            return PreTradeRefusal(rule: "USER_ONLY", reason: "only a person withdraws; the \(actor.kind.rawValue) may not")
        }
        let destination = Destination(asset: request.asset, address: request.address, network: request.network)
        guard allowed.contains(destination) else {
            return PreTradeRefusal(rule: "ADDRESS_NOT_ALLOWED", reason: "\(request.asset) to \(request.address) on \(request.network) "
                + "is not on the allow-list (withdrawals.allow in the configuration file)")
        }
        return nil
    }
}
