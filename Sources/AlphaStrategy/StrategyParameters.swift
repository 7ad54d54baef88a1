import AlphaCore
import Foundation

/// One parameter a strategy takes: its name, what values are allowed and the default.
public struct ParameterSpec: Sendable {
    public enum Kind: Sendable {
        /// A whole number in the range.
        case integer(ClosedRange<Int64>)
        /// A decimal (a string such as "0.5" or a JSON number, read exactly) above `above` and at most `atMost`.
        case decimal(above: Amount, atMost: Amount)
        /// One of these words.
        case choice([String])
        /// An IANA time-zone name ("Asia/Seoul", "UTC").
        case timeZone
    }

    public var name: String
    public var kind: Kind
    public var defaultValue: JSONValue
    public var help: String

    public init(_ name: String, _ kind: Kind, default defaultValue: JSONValue, help: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.help = help
    }

    /// What is allowed, said the way an error message needs it.
    public var rule: String {
        switch kind {
        case .integer(let range): "must be a whole number from \(range.lowerBound) to \(range.upperBound)"
        case .decimal(let above, let atMost): "must be a decimal greater than \(above) and at most \(atMost), such as \"\(defaultValue.text)\""
        case .choice(let words): "must be one of \(words.joined(separator: ", "))"
        case .timeZone: "must be a time-zone name such as Asia/Seoul or UTC"
        }
    }

    /// The value read under this spec, or nil when it breaks the rule.
    func read(_ value: JSONValue) -> JSONValue? {
        switch (kind, value) {
        case (.integer(let range), .number(let text)):
            guard let integer = JSONObject.integer(fromNumber: text), range.contains(integer) else { return nil }
            return .int(integer)
        case (.decimal(let above, let atMost), .number(let text)), (.decimal(let above, let atMost), .string(let text)):
            let parsed = value == .number(text) ? Amount(jsonNumber: text) : Amount(text)
            guard text.utf8.count <= 40, let amount = parsed, amount > above, amount <= atMost else { return nil }
            return .amount(amount)
        case (.choice(let words), .string(let word)):
            return words.contains(word) ? value : nil
        case (.timeZone, .string(let name)):
            return TimeZone(identifier: name) == nil ? nil : value
        default:
            return nil
        }
    }
}

extension JSONValue {
    fileprivate var text: String {
        switch self {
        case .string(let text), .number(let text): text
        default: ""
        }
    }
}

/// A strategy's parameters after the check: every spec has a value (the user's or its default),
/// of the kind the spec says, so the accessors cannot fail for a declared name.
public struct StrategyParameters: Sendable, Equatable {
    public let values: JSONObject

    init(checked values: JSONObject) { self.values = values }

    /// Checks `given` against `specs`: every unknown name and every value that breaks its rule is
    /// reported at once, named `strategy.params.<name>`; missing names take their defaults.
    public static func check(_ given: JSONObject, against specs: [ParameterSpec], strategy: String) throws(StrategyParameterError) -> StrategyParameters {
        var errors: [ConfigFieldError] = []
        let known = specs.map(\.name)
        for key in given.keys where !known.contains(key) {
            let hint = known.isEmpty ? "it takes none" : "it takes \(known.joined(separator: ", "))"
            errors.append(ConfigFieldError(field: "strategy.params.\(key)", message: "is not a parameter of \(strategy): \(hint)"))
        }
        var values = JSONObject()
        for spec in specs {
            guard let value = given[spec.name] else {
                values[spec.name] = spec.read(spec.defaultValue) ?? spec.defaultValue
                continue
            }
            if let read = spec.read(value) { values[spec.name] = read } else {
                errors.append(ConfigFieldError(field: "strategy.params.\(spec.name)", message: spec.rule))
            }
        }
        guard errors.isEmpty else { throw StrategyParameterError(errors: errors) }
        return StrategyParameters(checked: values)
    }

    public func integer(_ name: String) -> Int {
        guard case .number(let text)? = values[name], let value = JSONObject.integer(fromNumber: text) else {
            preconditionFailure("parameter \(name) is not a declared integer")
        }
        return Int(value)
    }

    public func decimal(_ name: String) -> Amount {
        guard case .string(let text)? = values[name], let value = Amount(text) else {
            preconditionFailure("parameter \(name) is not a declared decimal")
        }
        return value
    }

    public func string(_ name: String) -> String {
        guard case .string(let text)? = values[name] else { preconditionFailure("parameter \(name) is not a declared word") }
        return text
    }
}

/// The parameters a strategy refused, each named `strategy.params.<name>` (or `strategy.name`).
public struct StrategyParameterError: Error, Equatable, Sendable, CustomStringConvertible {
    public let errors: [ConfigFieldError]

    public init(errors: [ConfigFieldError]) { self.errors = errors }
    public init(_ field: String, _ message: String) { errors = [ConfigFieldError(field: "strategy.params.\(field)", message: message)] }

    public var description: String { errors.map(\.description).joined(separator: "; ") }
}
