import Foundation

/// Random identifiers for events, commands, correlation chains and runs.
///
/// 32 lowercase hex digits (a UUID's 128 bits without dashes): short enough that `ae-` plus a
/// command id fits Binance's 36-character client order id, which a dashed UUID would not.
public enum Identifier {
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return hex(generator.next()) + hex(generator.next())
    }

    /// True for exactly 32 lowercase hex digits.
    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
