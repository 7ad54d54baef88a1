import AlphaCore
import AlphaHTTP
import Foundation

/// Reads a request's query parameters against the set a route accepts: an unknown name, a repeat
/// of a single-valued one, or a value of the wrong type is a 400 naming the parameter. Problems
/// are collected, and `finish()` reports them all at once.
struct QueryReader {
    private let query: QueryParameters
    private(set) var problems: [FieldProblem] = []

    init(_ request: HTTPRequest, accepts names: Set<String>) {
        query = request.query
        var seen: Set<String> = []
        for pair in query.pairs where !names.contains(pair.name) && seen.insert(pair.name).inserted {
            problems.append(FieldProblem(pair.name, "unknown query parameter; this route takes \(names.isEmpty ? "none" : names.sorted().joined(separator: ", "))"))
        }
    }

    private mutating func single(_ name: String) -> String? {
        let values = query.values(name)
        if values.count > 1 { problems.append(FieldProblem(name, "give it once")) }
        return values.first
    }

    mutating func string(_ name: String, maxLength: Int = 200) -> String? {
        guard let text = single(name) else { return nil }
        // Code points, as JSON Schema's maxLength counts them (not grapheme clusters).
        guard !text.isEmpty, text.unicodeScalars.count <= maxLength else {
            problems.append(FieldProblem(name, "must be 1 to \(maxLength) characters"))
            return nil
        }
        return text
    }

    mutating func integer(_ name: String, in range: ClosedRange<Int64>) -> Int64? {
        guard let text = single(name) else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            problems.append(FieldProblem(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)"))
            return nil
        }
        return value
    }

    mutating func choice<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type) -> T? where T.RawValue == String {
        guard let text = single(name) else { return nil }
        guard let value = T(rawValue: text) else {
            problems.append(FieldProblem(name, "must be one of \(T.allCases.map(\.rawValue).joined(separator: ", "))"))
            return nil
        }
        return value
    }

    /// Every value of a repeatable parameter, each one of an enumeration.
    mutating func choices<T: RawRepresentable & CaseIterable & Hashable>(_ name: String, as type: T.Type) -> Set<T>? where T.RawValue == String {
        let values = query.values(name)
        guard !values.isEmpty else { return nil }
        var result: Set<T> = []
        for text in values {
            guard let value = T(rawValue: text) else {
                problems.append(FieldProblem(name, "'\(text.prefix(40))' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))"))
                continue
            }
            result.insert(value)
        }
        return result
    }

    /// An RFC 3339 time ("2026-11-22T03:00:00Z", "2026-11-22T04:00:00.5+01:00").
    mutating func time(_ name: String) -> Timestamp? {
        guard let text = single(name) else { return nil }
        guard let time = Self.rfc3339(text) else {
            problems.append(FieldProblem(name, "must be an RFC 3339 time such as 2026-11-22T03:00:00Z"))
            return nil
        }
        return time
    }

    static func rfc3339(_ text: String) -> Timestamp? {
        if let exact = Timestamp(iso8601: text) { return exact }
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds]] {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return Timestamp(date) }
        }
        return nil
    }

    /// A UTC day, "YYYY-MM-DD".
    mutating func day(_ name: String) -> String? {
        guard let text = single(name) else { return nil }
        guard text.count == 10, Timestamp(iso8601: text + "T00:00:00Z")?.utcDay == text else {
            problems.append(FieldProblem(name, "must be a UTC day such as 2026-11-22"))
            return nil
        }
        return text
    }

    /// An exchange symbol to filter by, as any venue spells them: one of another venue's matches
    /// nothing here, as an unknown one does (the contract's Symbol pattern is both spellings).
    mutating func symbol(_ name: String) -> String? {
        guard let text = single(name) else { return nil }
        guard SymbolFormat.isAnyVenueSymbol(text) else {
            problems.append(FieldProblem(name, "must be \(VenueCapabilities.all.map(\.symbols.description).joined(separator: ", or "))"))
            return nil
        }
        return text
    }

    /// An asset such as USDT or BNB.
    mutating func asset(_ name: String) -> String? { code(name, example: "USDT") }

    /// 1 to 20 upper-case letters or digits: how assets are named.
    private mutating func code(_ name: String, example: String) -> String? {
        guard let text = single(name) else { return nil }
        guard (1...20).contains(text.utf8.count), text.utf8.allSatisfy({ (65...90).contains($0) || (48...57).contains($0) }) else {
            problems.append(FieldProblem(name, "must be 1 to 20 upper-case letters or digits, such as \(example)"))
            return nil
        }
        return text
    }

    /// `after`, `before` and `order` (asc, the default, or desc) of a list paged by seq. A page's
    /// `next` is the last seq it holds: the following page's `after` in ascending order, its
    /// `before` in descending order.
    mutating func seqPage() -> SeqPage {
        let after = integer("after", in: 0...Int64.max) ?? 0
        let before = integer("before", in: 1...Int64.max)
        let order = string("order", maxLength: 4) ?? "asc"
        if order != "asc" && order != "desc" { problem("order", "must be asc or desc") }
        return SeqPage(after: after, before: before, newestFirst: order == "desc")
    }

    func wasGiven(_ name: String) -> Bool { query[name] != nil }

    mutating func problem(_ field: String, _ message: String) { problems.append(FieldProblem(field, message)) }

    func finish() throws(APIFailure) {
        if !problems.isEmpty { throw .invalid(problems) }
    }
}

/// Where a page of a seq-ordered list starts and which way it runs.
struct SeqPage {
    var after: Int64
    var before: Int64?
    var newestFirst: Bool
}
