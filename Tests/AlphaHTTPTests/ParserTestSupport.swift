@testable import AlphaHTTP

/// Parses `text` (given with literal "\r\n") fed in one piece, and returns every result until
/// the parser needs more bytes or fails.
func parseAll(_ text: String, limits: HTTPParserLimits = HTTPParserLimits()) -> [HTTPParseResult] {
    var parser = HTTPRequestParser(limits: limits)
    parser.append(Array(text.utf8))
    return drain(&parser)
}

func drain(_ parser: inout HTTPRequestParser) -> [HTTPParseResult] {
    var results: [HTTPParseResult] = []
    while true {
        let result = parser.next()
        results.append(result)
        switch result {
        case .request: continue
        case .incomplete, .failure: return results
        }
    }
}

/// The failure a single request produces, or nil when it parses.
func failure(of text: String, limits: HTTPParserLimits = HTTPParserLimits()) -> HTTPParseError? {
    for result in parseAll(text, limits: limits) {
        if case .failure(let error) = result { return error }
    }
    return nil
}

func requests(in results: [HTTPParseResult]) -> [HTTPRequest] {
    results.compactMap { if case .request(let request) = $0 { request } else { nil } }
}
