import Yams

/// YAML parsing for files that may hold secrets (`secrets.yaml`, the simulator's settings): a
/// failure carries only the position, since the parser's own message quotes the offending line.
enum SecretSafeYAML {
    struct Failure: Error {
        let line: Int?
        let column: Int?
    }

    static func load(_ text: String) throws(Failure) -> Any? {
        do {
            return try Yams.load(yaml: text)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
                throw Failure(line: mark.line, column: mark.column)
            default:
                throw Failure(line: nil, column: nil)
            }
        } catch {
            throw Failure(line: nil, column: nil)
        }
    }
}
