import AlphaHTTP

/// libFuzzer entry point. Besides crashes, it checks one property: the parser's results do not
/// depend on how the bytes were split across reads (the first input byte picks the split).
/// A parser that disagreed with itself here could be made to frame requests differently
/// depending on TCP segmentation.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    guard count > 1 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: start + 1, count: count - 1))
    let split = Int(start[0]) % bytes.count
    let limits = HTTPParserLimits(maxRequestLineBytes: 256, maxHeaderBytes: 512, maxHeaderCount: 16, maxBodyBytes: 1024)

    var whole = HTTPRequestParser(limits: limits)
    whole.append(bytes)
    let expected = summarize(&whole)

    var pieces = HTTPRequestParser(limits: limits)
    pieces.append(bytes[..<split])
    var got = summarize(&pieces)
    if got.last == "failure" {
        precondition(got == Array(expected.prefix(got.count)), "split parse failed where the whole parse did not")
        return 0
    }
    got.removeLast()  // the "incomplete" that ended the first piece
    pieces.append(bytes[split...])
    got += summarize(&pieces)
    precondition(got == expected, "parse depends on the read split: \(got) vs \(expected)")
    return 0
}

/// The sequence of results as comparable text, stopping at incomplete or failure.
private func summarize(_ parser: inout HTTPRequestParser) -> [String] {
    var results: [String] = []
    while true {
        switch parser.next() {
        case .request(let request):
            results.append("\(request.method) \(request.target) \(request.headers.count) \(request.body) \(request.keepAlive)")
        case .incomplete:
            results.append("incomplete")
            return results
        case .failure(let error):
            results.append("failure")
            _ = error
            return results
        }
    }
}

// SwiftPM links an executable's entry point as `<Target>_main` and points `main` at it. With
// `-parse-as-library` there is none, so this one hands control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
private func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("HTTPParserFuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { fuzzHTTPParser($0, $1) }
}
