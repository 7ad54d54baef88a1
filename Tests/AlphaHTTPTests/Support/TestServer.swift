import AlphaHTTP
import AlphaTestSupport
import Foundation

/// Runs `body` against a real server on 127.0.0.1 and a free port, and shuts it down after.
func withServer<T>(
    _ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    handler: @escaping HTTPHandler,
    _ body: (HTTPServer) throws -> T
) throws -> T {
    var configuration = HTTPServerConfiguration()
    configuration.eventLoops = 2
    configuration.workerThreads = 2
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, handler: handler)
    try server.start()
    defer { server.shutdown() }
    return try body(server)
}

/// A router with the routes most live tests use.
func testRouter() -> Router {
    var router = Router()
    router.get("/hello") { _ in .response(.text("hello")) }
    router.get("/path/:name") { request in .response(.text("path=\(request.pathParameters["name"] ?? "")")) }
    router.post("/echo") { request in .response(HTTPResponse(status: .ok, headers: [("Content-Type", "application/octet-stream")], body: request.body)) }
    router.get("/slow") { request in
        let milliseconds = request.query["ms"].flatMap(Int.init) ?? 200
        return .offload {
            usleep(UInt32(milliseconds) * 1000)
            return .text("slow \(milliseconds)")
        }
    }
    return router
}
