import AlphaJSON

/// A request the handler refuses, carrying the response that says why.
public struct HTTPRequestRejection: Error, Sendable {
    public let response: HTTPResponse

    public init(_ response: HTTPResponse) { self.response = response }
}

extension HTTPRequest {
    /// The body as a JSON object, parsed strictly (RFC 8259; duplicate keys refused). A body that
    /// is not `application/json` gets 415; malformed JSON gets 400 naming the byte and the reason.
    public func jsonObject() throws(HTTPRequestRejection) -> JSONObject {
        let mediaType = headers["content-type"]?.split(separator: ";").first?.trimmingWhitespace().lowercased()
        guard mediaType == "application/json" else {
            throw HTTPRequestRejection(.error(.unsupportedMediaType, code: "unsupported_media_type",
                                              message: "send the body as Content-Type: application/json"))
        }
        let parsed: Result<JSONValue, JSONParser.Failure> = body.withUnsafeBufferPointer { bytes in
            Result { () throws(JSONParser.Failure) -> JSONValue in try JSONParser.parse(bytes) }
        }
        switch parsed {
        case .failure(let failure):
            throw HTTPRequestRejection(.error(.badRequest, code: "invalid_json", message: failure.description))
        case .success(.object(let object)):
            return object
        case .success:
            throw HTTPRequestRejection(.error(.badRequest, code: "invalid_json", message: "the body must be a JSON object"))
        }
    }
}
