// Hummingbird 2 serving AlphaEngine's own web API, for scripts/bench-web (`make bench-web`).
//
//   hummingbird-web-baseline --port N --data-dir DIR --openapi PATH
//
// The same app as `alphaengine web` — the same WebApp (auth, SQLite reads, dashboard cache,
// JSON writer, headers) answers every request through `WebApp.respond(to:)` — so the figures
// compare the HTTP servers, not two different apps. The handler runs the app inline on the
// NIO event loop, with no hop to a thread pool: the cheaper choice, which favours this side.

import AlphaHTTP
import AlphaWeb
import Foundation
import HTTPTypes
import Hummingbird

var port: Int?
var dataDirectory: String?
var openAPIPath: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--port": port = arguments.popFirst().flatMap { Int($0) }
    case "--data-dir": dataDirectory = arguments.popFirst()
    case "--openapi": openAPIPath = arguments.popFirst()
    default:
        print("usage: hummingbird-web-baseline --port N --data-dir DIR --openapi PATH")
        exit(2)
    }
}
guard let port, let dataDirectory, let openAPIPath, let document = FileManager.default.contents(atPath: openAPIPath) else {
    print("usage: hummingbird-web-baseline --port N --data-dir DIR --openapi PATH")
    exit(2)
}
let secret = ProcessInfo.processInfo.environment["ALPHAENGINE_WEB_SECRET_KEY"] ?? ""

var settings = WebSettings(databasePath: "\(dataDirectory)/alphaengine-sim.db", mode: .sim, openAPIDocument: Array(document))
settings.http.port = 0  // our own server idles on a spare port; only the event tail is used
let web = try WebApp(settings: settings, secret: Array(secret.utf8))
try web.start()

/// Hummingbird's request → our HTTPRequest → the app → Hummingbird's response.
struct AlphaResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let web: WebApp

    func respond(to request: Request, context: Context) async throws -> Response {
        var fields: [(String, String)] = []
        for field in request.headers { fields.append((field.name.canonicalName, field.value)) }
        let body = try await request.body.collect(upTo: 1 << 20)
        let ours = AlphaHTTP.HTTPRequest(method: request.method.rawValue, target: request.uri.description,
                                         headers: AlphaHTTP.HTTPHeaders(fields), body: Array(buffer: body))
        let answer = web.respond(to: ours)
        var headers = HTTPFields()
        for (name, value) in answer.headers {
            if let field = HTTPField.Name(name) { headers.append(HTTPField(name: field, value: value)) }
        }
        return Response(status: .init(code: answer.status.code), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

let app = Application(
    responder: AlphaResponder(web: web),
    configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: nil)
)
try await app.runService()
web.stop()
