import Foundation

/// Why a payload could not be read: names the field, never echoes more than the field's name.
public enum PayloadError: Error, Equatable, CustomStringConvertible {
    case missingField(String)
    case wrongType(field: String, expected: String)
    case invalidValue(field: String, reason: String)

    public var description: String {
        switch self {
        case .missingField(let field): "field '\(field)' is missing"
        case .wrongType(let field, let expected): "field '\(field)' must be \(expected)"
        case .invalidValue(let field, let reason): "field '\(field)' is invalid: \(reason)"
        }
    }
}

/// Typed field access for payloads: each accessor says which field was wrong and why.
extension JSONObject {
    public func string(_ field: String) throws(PayloadError) -> String {
        guard let value = self[field] else { throw .missingField(field) }
        guard case .string(let text) = value else { throw .wrongType(field: field, expected: "a string") }
        return text
    }

    public func optionalString(_ field: String) throws(PayloadError) -> String? {
        switch self[field] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw .wrongType(field: field, expected: "a string or null")
        }
    }

    public func amount(_ field: String) throws(PayloadError) -> Amount {
        let text = try string(field)
        guard let amount = Amount(text) else {
            throw .invalidValue(field: field, reason: "expected a decimal string such as \"0.001\"")
        }
        return amount
    }

    public func optionalAmount(_ field: String) throws(PayloadError) -> Amount? {
        guard let text = try optionalString(field) else { return nil }
        guard let amount = Amount(text) else {
            throw .invalidValue(field: field, reason: "expected a decimal string such as \"0.001\"")
        }
        return amount
    }

    public func int64(_ field: String) throws(PayloadError) -> Int64 {
        guard let value = self[field] else { throw .missingField(field) }
        guard case .number(let text) = value, let number = Self.integer(fromNumber: text) else {
            throw .wrongType(field: field, expected: "an integer")
        }
        return number
    }

    /// A JSON number's value when it is a whole number that fits Int64, however it is written:
    /// 73, 73.0, 7.3e1 (JSON, and JSON Schema's "integer", are about the value, not the spelling).
    public static func integer(fromNumber text: String) -> Int64? {
        if let plain = Int64(text) { return plain }
        guard let decimal = Decimal(string: text), decimal.isFinite else { return nil }
        var value = decimal, whole = Decimal()
        NSDecimalRound(&whole, &value, 0, .plain)
        guard whole == decimal, whole >= Decimal(Int64.min), whole <= Decimal(Int64.max) else { return nil }
        let candidate = NSDecimalNumber(decimal: whole).int64Value
        return Decimal(candidate) == whole ? candidate : nil
    }

    /// An exchange's id for an order, a fill or a payment: a string in the domain, since venues
    /// differ (Binance numbers them, Upbit uses UUIDs). A whole JSON number is read as its
    /// decimal text, so events stored when ids were numbers read as the same id ("123").
    public func identifier(_ field: String) throws(PayloadError) -> String {
        guard let value = self[field] else { throw .missingField(field) }
        switch value {
        case .string(let text) where !text.isEmpty: return text
        case .number(let text):
            guard let number = Self.integer(fromNumber: text) else { break }
            return String(number)
        default: break
        }
        throw .wrongType(field: field, expected: "an id (a non-empty string, or a whole number)")
    }

    public func optionalIdentifier(_ field: String) throws(PayloadError) -> String? {
        if case nil = self[field] { return nil }
        if case .null? = self[field] { return nil }
        return try identifier(field)
    }

    public func optionalInt64(_ field: String) throws(PayloadError) -> Int64? {
        if case nil = self[field] { return nil }
        if case .null? = self[field] { return nil }
        return try int64(field)
    }

    public func bool(_ field: String) throws(PayloadError) -> Bool {
        guard let value = self[field] else { throw .missingField(field) }
        guard case .bool(let flag) = value else { throw .wrongType(field: field, expected: "true or false") }
        return flag
    }

    public func optionalBool(_ field: String) throws(PayloadError) -> Bool? {
        switch self[field] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        default: throw .wrongType(field: field, expected: "true, false or null")
        }
    }

    /// A list of strings (an empty list when the field is absent).
    public func strings(_ field: String) throws(PayloadError) -> [String] {
        guard let value = self[field], value != .null else { return [] }
        guard case .array(let list) = value else { throw .wrongType(field: field, expected: "a list of strings") }
        return try list.map { (item) throws(PayloadError) -> String in
            guard case .string(let text) = item else { throw .wrongType(field: field, expected: "a list of strings") }
            return text
        }
    }

    public func object(_ field: String) throws(PayloadError) -> JSONObject {
        guard let value = self[field] else { throw .missingField(field) }
        guard case .object(let object) = value else { throw .wrongType(field: field, expected: "an object") }
        return object
    }

    /// A string field that must be one of an enumeration's raw values.
    public func choice<T: RawRepresentable & CaseIterable>(_ field: String, as type: T.Type) throws(PayloadError) -> T
    where T.RawValue == String {
        let text = try string(field)
        guard let value = T(rawValue: text) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidValue(field: field, reason: "expected one of \(allowed)")
        }
        return value
    }
}

extension JSONValue {
    /// An amount as a JSON string, in its canonical text ("0.001"), never a JSON number.
    public static func amount(_ value: Amount) -> JSONValue { .string(value.description) }
}
