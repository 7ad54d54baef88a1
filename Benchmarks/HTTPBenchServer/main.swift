import AlphaHTTP
import AlphaJSON
import AlphaSystem
import Foundation

// The server `scripts/bench-http` loads with wrk, beside a Hummingbird server with the same two
// routes and the same bytes. Both build their JSON per request with a hand-written byte writer.
// `/slow?ms=N` answers from a worker after N ms; the SIGTERM test uses it to show that shutdown
// finishes in-flight requests.
//
//     alphahttp-bench-server --port 8080 [--loops 2]

var configuration = HTTPServerConfiguration()
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    switch flag {
    case "--port": configuration.port = arguments.popFirst().flatMap(UInt16.init) ?? 0
    case "--loops": configuration.eventLoops = arguments.popFirst().flatMap(Int.init) ?? configuration.eventLoops
    default:
        FileHandle.standardError.write(Data("unknown argument \(flag); usage: alphahttp-bench-server --port N [--loops N]\n".utf8))
        exit(64)
    }
}

var router = Router()
router.get("/json") { _ in
    var writer = JSONWriter(capacity: 96)
    writer.beginObject()
    writer.key("message"); writer.value("Hello, World!")
    writer.key("status"); writer.value("ok")
    writer.key("time"); writer.value(Int64(1_700_000_000_000))
    writer.endObject()
    return .response(.json(bytes: writer.bytes))
}
router.get("/list") { _ in
    // The same work as the Hummingbird baseline's /list: the constant part of each item as one
    // fragment, the id as digits. (Member by member with escaping, as `/list-fields` does, is
    // the general path; the benchmark compares the servers, not two JSON writers.)
    var writer = JSONWriter(capacity: 4096)
    writer.beginArray()
    for index in 0..<50 {
        if index > 0 { writer.raw(",") }
        writer.raw(#"{"id":"#)
        writer.writeDecimal(Int64(index))
        writer.raw(#","symbol":"BTCUSDT","side":"BUY","price":"43250.10","quantity":"0.005"}"#)
    }
    writer.endArray()
    return .response(.json(bytes: writer.bytes))
}
router.get("/list-fields") { _ in
    var writer = JSONWriter(capacity: 4096)
    writer.beginArray()
    for index in 0..<50 {
        writer.beginObject()
        writer.key("id"); writer.value(index)
        writer.key("symbol"); writer.value("BTCUSDT")
        writer.key("side"); writer.value("BUY")
        writer.key("price"); writer.value("43250.10")
        writer.key("quantity"); writer.value("0.005")
        writer.endObject()
    }
    writer.endArray()
    return .response(.json(bytes: writer.bytes))
}
router.get("/slow") { request in
    let milliseconds = request.query["ms"].flatMap(Int.init) ?? 500
    return .offload {
        usleep(UInt32(milliseconds) * 1000)
        return .text("slept \(milliseconds) ms")
    }
}

do {
    let shutdown = try ShutdownSignal()
    let server = HTTPServer(configuration: configuration, handler: router.handler)
    try server.start()
    FileHandle.standardOutput.write(Data("listening on http://\(configuration.host):\(server.port)\n".utf8))
    while shutdown.wait(milliseconds: 1000) == nil {}
    server.shutdown()
    print("stopped")
} catch {
    FileHandle.standardError.write(Data("alphahttp-bench-server: \(error)\n".utf8))
    exit(1)
}
