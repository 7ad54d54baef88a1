import Foundation

/// Random identifiers for events, commands, correlation chains and runs.
///
/// 32 lowercase hex digits (128 bits, like a UUID without dashes): short enough that `ae-` plus a
/// command id fits Binance's 36-character client order id, which a dashed UUID would not.
///
/// Time-ordered like UUIDv7: 48 bits of Unix milliseconds, then 80 random bits. New ids land at
/// the end of the unique indexes on `event_id` and `command_id` instead of at random pages, which
/// cut the pages each append transaction dirties — and with them WAL writes — several-fold.
public enum Identifier {
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        let milliseconds = UInt64(max(0, Timestamp.now().millisecondsSinceEpoch)) & 0xFFFF_FFFF_FFFF
        let randomBits = generator.next() as UInt64
        let high = milliseconds << 16 | (randomBits >> 48)
        return hex(high) + hex(generator.next())
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
