import AlphaCore
import AlphaHTTP
import AlphaJSON

/// A request body, read by the domain's `PayloadReader` (the same reader the bot decodes
/// command payloads with).
typealias BodyReader = PayloadReader

extension PayloadReader {
    init(_ request: HTTPRequest, accepts names: Set<String>) throws(APIFailure) {
        self.init(try request.jsonObject(), accepts: names, path: "")
    }

    func finish() throws(APIFailure) {
        if !problems.isEmpty { throw .invalid(problems) }
    }
}
