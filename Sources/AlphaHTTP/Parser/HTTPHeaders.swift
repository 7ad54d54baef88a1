/// Header fields in arrival order. Names are stored lower-cased (field names are
/// case-insensitive, RFC 9110 §5.1), so lookups compare bytes only.
public struct HTTPHeaders: Sendable, Sequence {
    public private(set) var fields: [(name: String, value: String)] = []

    public init() {}
    public init(_ fields: [(String, String)]) {
        for (name, value) in fields { add(name, value) }
    }

    public var count: Int { fields.count }

    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name.lowercased(), value: value))
    }

    /// For the parser, which lower-cases names while reading them.
    mutating func add(lowercasedName name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    /// The first value of `name` (give it lower-cased).
    public subscript(name: String) -> String? {
        fields.first(where: { $0.name == name })?.value
    }

    /// Every value of `name` (give it lower-cased).
    public func values(_ name: String) -> [String] {
        fields.compactMap { $0.name == name ? $0.value : nil }
    }

    /// Comma-separated list members across every line of `name`, trimmed and lower-cased
    /// (RFC 9110 §5.6.1): "Connection: keep-alive, Upgrade" gives ["keep-alive", "upgrade"].
    public func tokens(_ name: String) -> [String] {
        values(name).flatMap { $0.split(separator: ",") }
            .map { $0.trimmingWhitespace().lowercased() }
            .filter { !$0.isEmpty }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
