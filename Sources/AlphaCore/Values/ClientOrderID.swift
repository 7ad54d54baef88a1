/// A client order id every venue we trade accepts: 1 to 36 characters from `[.A-Z:/a-z0-9_-]`,
/// the strictest rule among them (Binance USDⓈ-M's `newClientOrderId`; Upbit's `identifier`
/// takes any such string).
///
/// Ours are derived from the command id, so the same command always carries the same id and a
/// retry after an unknown outcome can never become a second order.
public struct ClientOrderID: Sendable, Hashable, CustomStringConvertible {
    public static let maximumLength = 36
    /// The prefix that marks orders placed by AlphaEngine.
    public static let prefix = "ae-"

    public let value: String
    public var description: String { value }

    public enum Invalid: Error, Equatable, CustomStringConvertible {
        case empty
        case tooLong(length: Int)
        case forbiddenCharacter(Character)

        public var description: String {
            switch self {
            case .empty: "client order id is empty"
            case .tooLong(let length): "client order id has \(length) characters; at most 36 are allowed"
            case .forbiddenCharacter(let character):
                "client order id contains '\(character)'; only [.A-Z:/a-z0-9_-] are allowed"
            }
        }
    }

    /// Validates an id that came from elsewhere (the exchange, a user).
    public init(validating value: String) throws(Invalid) {
        guard !value.isEmpty else { throw .empty }
        guard value.count <= Self.maximumLength else { throw .tooLong(length: value.count) }
        if let bad = value.first(where: { !Self.isAllowed($0) }) { throw .forbiddenCharacter(bad) }
        self.value = value
    }

    /// The id for the order placed by a command: `ae-` + the command id's 32 hex digits.
    public init(commandID: String) throws(Invalid) {
        try self.init(validating: Self.prefix + commandID)
    }

    /// The command that placed the order `clientOrderID` names, when AlphaEngine placed it.
    public static func commandID(of clientOrderID: String) -> String? {
        clientOrderID.hasPrefix(prefix) ? String(clientOrderID.dropFirst(prefix.count)) : nil
    }

    /// True when the order was placed by AlphaEngine rather than by hand or another program.
    public var isOurs: Bool { Self.isOurs(value) }

    /// Whether a client id (as the exchange reports it, unvalidated) is one of AlphaEngine's.
    public static func isOurs(_ clientOrderID: String) -> Bool { clientOrderID.hasPrefix(prefix) }

    private static func isAllowed(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return false }
        switch ascii {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return ".:/_-".utf8.contains(ascii)
        }
    }
}
