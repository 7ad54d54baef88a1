/// `application/x-www-form-urlencoded` query parameters, decoded: "+" is a space, "%XX" a byte.
/// Malformed escapes are kept literally rather than guessed at.
public struct QueryParameters: Sendable {
    public let pairs: [(name: String, value: String)]

    public init(_ query: Substring) {
        pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = PercentDecoding.decode(parts[0], plusIsSpace: true) ?? String(parts[0])
            let raw = parts.count > 1 ? parts[1] : ""
            return (name, PercentDecoding.decode(raw, plusIsSpace: true) ?? String(raw))
        }
    }

    /// The first value of `name`.
    public subscript(name: String) -> String? { pairs.first(where: { $0.name == name })?.value }

    /// Every value of `name`, in order ("?symbol=A&symbol=B").
    public func values(_ name: String) -> [String] { pairs.compactMap { $0.name == name ? $0.value : nil } }
}

/// Percent-decoding (RFC 3986 §2.1).
public enum PercentDecoding {
    /// Decodes "%XX" escapes; returns nil for a malformed escape or bytes that are not UTF-8.
    public static func decode(_ text: Substring, plusIsSpace: Bool = false) -> String? {
        if !text.utf8.contains(UInt8(ascii: "%")) && !(plusIsSpace && text.utf8.contains(UInt8(ascii: "+"))) {
            return String(text)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            } else if plusIsSpace && byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
