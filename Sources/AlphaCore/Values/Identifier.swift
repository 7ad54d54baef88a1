import Foundation
import Synchronization

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
        let milliseconds = UInt64(max(0, Timestamp.now().millisecondsSinceEpoch)) & 0xFFFF_FFFF_FFFF
        let (first, second) = randomPool.withLock { $0.next() }
        let high = milliseconds << 16 | (first >> 48)
        return String(unsafeUninitializedCapacity: 32) { buffer in
            func put(_ word: UInt64, at offset: Int) {
                for index in 0..<16 { buffer[offset + index] = hexDigits[Int(word >> (60 - 4 * UInt64(index)) & 0xF)] }
            }
            put(high, at: 0)
            put(second, at: 16)
            return 32
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The kernel's random bytes, read 4 KiB at a time: one read serves 256 ids instead of two
    /// system calls each (a backtest makes thousands of commands, a busy bot many events).
    private static let randomPool = Mutex(RandomPool())

    struct RandomPool: ~Copyable {
        private var words = [UInt64](repeating: 0, count: 512)
        private var used = 512

        mutating func next() -> (UInt64, UInt64) {
            if used + 2 > words.count {
                let filled = words.withUnsafeMutableBytes { buffer -> Bool in
                    let device = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
                    guard device >= 0 else { return false }
                    defer { close(device) }
                    var done = 0
                    while done < buffer.count {
                        let got = read(device, buffer.baseAddress! + done, buffer.count - done)
                        if got > 0 { done += got } else if got < 0 && errno == EINTR { continue } else { return false }
                    }
                    return true
                }
                // No /dev/urandom (a bare chroot): the words come from the system generator one by one.
                if !filled {
                    var generator = SystemRandomNumberGenerator()
                    for index in words.indices { words[index] = generator.next() }
                }
                used = 0
            }
            defer { used += 2 }
            return (words[used], words[used + 1])
        }
    }

    /// True for exactly 32 lowercase hex digits.
    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == 32 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
