// Hummingbird 2 baseline for scripts/bench-http.
//
//   hummingbird-baseline --port N
//
// Serves on 127.0.0.1:N, exits on SIGTERM/SIGINT (graceful shutdown):
//   GET /json → {"message":"Hello, World!","status":"ok","time":1700000000000}
//   GET /list → [{"id":0,"symbol":"BTCUSDT","side":"BUY","price":"43250.10","quantity":"0.005"}, … id 49]
// both with Content-Type: application/json.
//
// Fair comparison: our server (alphahttp-bench-server) caches no response; it writes
// each body per request with a hand-written byte writer. So this baseline does the
// same — it builds every body per request into a fresh ByteBuffer with the little
// writer in Bodies.swift (static strings + integer digits), not with JSONEncoder and not from a
// pre-serialised buffer. Measured cost is thus the framework's, not the encoder's.

import Hummingbird

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func usage() -> Never {
    print("usage: hummingbird-baseline --port N")
    exit(2)
}

// MARK: Arguments, by hand (no ArgumentParser: the baseline has no other dependency)
var port: Int?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--port":
        guard let value = arguments.popFirst(), let number = Int(value), (0...65535).contains(number) else { usage() }
        port = number
    case "-h", "--help":
        usage()
    default:
        if argument.hasPrefix("--port="), let number = Int(argument.dropFirst("--port=".count)), (0...65535).contains(number) {
            port = number
        } else {
            usage()
        }
    }
}
guard let port else { usage() }

// MARK: The server
let router = Router()
router.get("json") { _, _ in Bodies.response(Bodies.json()) }
router.get("list") { _, _ in Bodies.response(Bodies.list()) }

let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil)
)
try await app.runService()  // SIGTERM/SIGINT → graceful shutdown, exit 0
