/// One field a request got wrong, named by its path ("payload.quantity", "risk.daily_loss_limit").
public struct FieldProblem: Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}

/// Reads a JSON object strictly: only the fields the caller names, each of the right type;
/// every problem is collected with its field's path and reported at once. The web reads request
/// bodies with it and the bot reads command payloads with it, so both say the same thing.
public struct PayloadReader {
    public let object: JSONObject
    private let prefix: String
    public private(set) var problems: [FieldProblem] = []

    /// `path` names the object's place in a larger one: its fields are reported as `path.field`.
    public init(_ object: JSONObject, accepts names: Set<String>, path: String) {
        self.object = object
        prefix = path.isEmpty ? "" : path + "."
        for key in object.keys where !names.contains(key) {
            problems.append(FieldProblem(prefix + key, "unknown field; expected \(names.isEmpty ? "none" : names.sorted().joined(separator: ", "))"))
        }
    }

    public mutating func fail(_ field: String, _ message: String) { problems.append(FieldProblem(prefix + field, message)) }

    // Throughout: a field left out is absent; `null` is a value of the wrong type, as the
    // contract (openapi.yaml) has no nullable request fields.

    public mutating func string(_ field: String, required: Bool = true, maxLength: Int = 200) -> String? {
        switch object[field] {
        case nil:
            if required { fail(field, "is required") }
            return nil
        case .string(let text)?:
            // Code points, as JSON Schema's maxLength counts them (not grapheme clusters).
            guard !text.isEmpty, text.unicodeScalars.count <= maxLength else {
                fail(field, "must be 1 to \(maxLength) characters")
                return nil
            }
            return text
        default:
            fail(field, "must be a string")
            return nil
        }
    }

    public mutating func integer(_ field: String, required: Bool = true, in range: ClosedRange<Int64>) -> Int64? {
        switch object[field] {
        case nil:
            if required { fail(field, "is required") }
            return nil
        case .number(let text)?:
            guard let value = JSONObject.integer(fromNumber: text), range.contains(value) else {
                fail(field, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                return nil
            }
            return value
        default:
            fail(field, "must be a whole number")
            return nil
        }
    }

    public mutating func bool(_ field: String) -> Bool? {
        switch object[field] {
        case nil: return nil
        case .bool(let flag)?: return flag
        default:
            fail(field, "must be true or false")
            return nil
        }
    }

    public mutating func choice<T: RawRepresentable & CaseIterable>(_ field: String, as type: T.Type, allowed: [T]? = nil,
                                                             required: Bool = true) -> T? where T.RawValue == String {
        guard let text = string(field, required: required) else { return nil }
        let options = allowed ?? Array(T.allCases)
        guard let value = T(rawValue: text), options.contains(where: { $0.rawValue == value.rawValue }) else {
            fail(field, "must be one of \(options.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    /// A positive decimal string ("0.001"); JSON numbers are refused, since they would pass
    /// through binary floating point somewhere between the client and here.
    public mutating func positiveAmount(_ field: String, required: Bool = true) -> Amount? {
        guard let value = object[field] else {
            if required { fail(field, "is required") }
            return nil
        }
        guard case .string(let text) = value else {
            fail(field, "must be a decimal string such as \"0.001\", not a JSON number or null")
            return nil
        }
        guard text.utf8.count <= 40, !text.hasPrefix("+"), let amount = Amount(text), amount > .zero else {
            fail(field, "must be a decimal string greater than 0 of at most 40 characters, such as \"0.001\"")
            return nil
        }
        return amount
    }

    public mutating func object(_ field: String, required: Bool = true) -> JSONObject? {
        switch object[field] {
        case nil:
            if required { fail(field, "is required") }
            return nil
        case .object(let nested)?: return nested
        default:
            fail(field, "must be an object")
            return nil
        }
    }

    public mutating func merge(_ nested: PayloadReader) { problems += nested.problems }
}
