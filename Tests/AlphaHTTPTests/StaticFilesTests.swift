import AlphaHTTP
import AlphaTestSupport
import Foundation
import Testing

@Suite("Static files")
struct StaticFilesTests {
    /// A site: index.html, app.js, css/site.css, a symlink to a file outside, and a secret
    /// beside the root that no request may read.
    func makeSite() throws -> (root: String, cleanup: () -> Void) {
        let base = NSTemporaryDirectory() + "alphahttp-static-\(UUID().uuidString)"
        let root = base + "/public"
        try FileManager.default.createDirectory(atPath: root + "/css", withIntermediateDirectories: true)
        try "<!doctype html><title>app</title>".write(toFile: root + "/index.html", atomically: true, encoding: .utf8)
        try "console.log(1)".write(toFile: root + "/app.js", atomically: true, encoding: .utf8)
        try "body{}".write(toFile: root + "/css/site.css", atomically: true, encoding: .utf8)
        try "TOP SECRET".write(toFile: base + "/secret.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: root + "/escape.txt", withDestinationPath: base + "/secret.txt")
        try FileManager.default.createSymbolicLink(atPath: root + "/up", withDestinationPath: base)
        return (root, { try? FileManager.default.removeItem(atPath: base) })
    }

    func withSite(_ body: (UInt16) throws -> Void) throws {
        let site = try makeSite()
        defer { site.cleanup() }
        var router = Router()
        router.get("/api/ping") { _ in .response(.text("pong")) }
        router.fallback = try StaticFiles(root: site.root).handler
        try withServer(handler: router.handler) { server in try body(server.port) }
    }

    func get(_ port: UInt16, _ target: String, headers: String = "") throws -> RawClient.Response {
        let client = try RawClient(port: port)
        try client.send("GET \(target) HTTP/1.1\r\nHost: t\r\n\(headers)\r\n")
        return try client.readResponse()
    }

    @Test("files are served with their content type; a directory serves its index.html")
    func contentTypes() throws {
        try withSite { port in
            let script = try get(port, "/app.js")
            #expect(script.status == 200)
            #expect(script.text == "console.log(1)")
            #expect(script.header("Content-Type") == "text/javascript; charset=utf-8")
            #expect(try get(port, "/css/site.css").header("Content-Type") == "text/css; charset=utf-8")
            let index = try get(port, "/")
            #expect(index.header("Content-Type") == "text/html; charset=utf-8")
            #expect(index.text.contains("<title>app</title>"))
            #expect(try get(port, "/api/ping").text == "pong")
        }
    }

    @Test("ETag and If-None-Match give 304 without a body; a changed file gets a new ETag")
    func conditionalRequests() throws {
        let site = try makeSite()
        defer { site.cleanup() }
        let files = try StaticFiles(root: site.root)
        try withServer(handler: files.handler) { server in
            let first = try get(server.port, "/app.js")
            let etag = try #require(first.header("ETag"))
            #expect(first.header("Cache-Control") == "no-cache")
            let again = try get(server.port, "/app.js", headers: "If-None-Match: \"other\", \(etag)\r\n")
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            #expect(again.header("ETag") == etag)
            #expect(try get(server.port, "/app.js", headers: "If-None-Match: W/\(etag)\r\n").status == 304)
            try "console.log(2)".write(toFile: site.root + "/app.js", atomically: true, encoding: .utf8)
            let changed = try get(server.port, "/app.js", headers: "If-None-Match: \(etag)\r\n")
            #expect(changed.status == 200)
            #expect(changed.text == "console.log(2)")
            #expect(changed.header("ETag") != etag)
        }
    }

    @Test("client routes fall back to index.html; a missing asset with an extension is 404")
    func spaFallback() throws {
        try withSite { port in
            let route = try get(port, "/orders/42")
            #expect(route.status == 200)
            #expect(route.text.contains("<title>app</title>"))
            #expect(try get(port, "/missing.js").status == 404)
        }
    }

    @Test("no escape from the root: .., encoded dots and slashes, backslashes, NUL, symlinks out",
          arguments: ["/../secret.txt", "/css/../../secret.txt", "/%2e%2e/secret.txt", "/..%2Fsecret.txt",
                      "/css%2F..%2F..%2Fsecret.txt", "/..%5Csecret.txt", "/escape.txt", "/up/secret.txt",
                      "/app.js%00.html", "/%2E%2E/%2E%2E/etc/passwd"])
    func noEscape(target: String) throws {
        try withSite { port in
            let response = try get(port, target)
            #expect(response.status == 400 || response.status == 404)
            #expect(!response.text.contains("TOP SECRET"))
            #expect(!response.text.contains("root:"))
        }
    }

    @Test("a root that does not exist is refused at start-up")
    func missingRoot() {
        #expect(throws: StaticFilesError.self) { try StaticFiles(root: "/nonexistent/alphahttp") }
    }
}
