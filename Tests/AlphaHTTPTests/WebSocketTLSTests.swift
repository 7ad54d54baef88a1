import AlphaWebSocket
import AlphaTestSupport
import Foundation
import Glibc
import Testing

@Suite("WebSocket client over TLS (OpenSSL)")
struct WebSocketTLSTests {
    /// A self-signed certificate for DNS name "localhost", made with the openssl command.
    func makeCertificate() throws -> (cert: String, key: String, cleanup: () -> Void) {
        let folder = NSTemporaryDirectory() + "alphaws-tls-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                             "-keyout", folder + "/key.pem", "-out", folder + "/cert.pem",
                             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return (folder + "/cert.pem", folder + "/key.pem", { try? FileManager.default.removeItem(atPath: folder) })
    }

    /// A Python echo server over TLS with a fresh self-signed certificate for "localhost".
    final class TLSServer {
        let cert: String
        let peer: PythonPeer
        let port: String
        private let cleanup: () -> Void

        init(_ certificate: (cert: String, key: String, cleanup: () -> Void)) throws {
            cert = certificate.cert
            cleanup = certificate.cleanup
            peer = try PythonPeer(suite: "AlphaHTTPTests", "ws_echo_server.py", arguments: [certificate.cert, certificate.key])
            port = try #require(peer.readLine())
        }

        deinit { cleanup() }

        var trustingOptions: WebSocketClient.Options {
            var options = WebSocketClient.Options()
            options.caFile = cert
            return options
        }
    }

    /// The TLS error a connection attempt fails with, or nil (and an issue) if it connected.
    func tlsFailure(_ url: String, options: WebSocketClient.Options = WebSocketClient.Options()) -> String? {
        do {
            _ = try WebSocketClient(url: url, options: options)
            Issue.record("connected to \(url), which should have been refused")
            return nil
        } catch {
            guard case .tls(let reason) = error else { Issue.record("expected a TLS error, got \(error)"); return nil }
            return reason
        }
    }

    @Test("wss:// with a trusted certificate: verified, SNI sent, echo works")
    func verified() throws {
        let server = try TLSServer(try makeCertificate())
        let client = try WebSocketClient(url: "wss://localhost:\(server.port)/", options: server.trustingOptions)
        #expect(server.peer.readLine() == "sni localhost")
        #expect(try client.receive(timeoutMilliseconds: 5000) == .text("welcome"))
        try client.send(text: "over tls")
        #expect(try client.receive(timeoutMilliseconds: 5000) == .text("over tls"))
        client.close()
    }

    @Test("an untrusted certificate is refused")
    func untrusted() throws {
        let server = try TLSServer(try makeCertificate())
        let reason = tlsFailure("wss://localhost:\(server.port)/")
        #expect(reason?.contains("self-signed") == true || reason?.contains("self signed") == true)
    }

    @Test("a certificate for another host name is refused")
    func wrongHostName() throws {
        let server = try TLSServer(try makeCertificate())
        #expect(tlsFailure("wss://127.0.0.1:\(server.port)/", options: server.trustingOptions)?.contains("mismatch") == true)
    }

    @Test("connect timeout: a listener whose backlog is full never answers; the client gives up in time")
    func connectTimeout() throws {
        // Linux drops SYNs to a listener with a full accept queue, so connect() hangs there.
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        listen(listener, 0)
        let port = UInt16(bigEndian: address.sin_port)
        // Non-blocking connects fill the queue without waiting for an answer that never comes.
        var fillers: [Int32] = []
        defer { fillers.forEach { close($0) } }
        for _ in 0..<3 {
            let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            fillers.append(filler)
        }
        usleep(50_000)
        var options = WebSocketClient.Options()
        options.connectTimeoutMilliseconds = 300
        do {
            _ = try WebSocketClient(url: "ws://127.0.0.1:\(port)/", options: options)
            Issue.record("connected to a listener that never accepts")
        } catch {
            // Either the TCP connect or the handshake read hits the deadline.
            switch error {
            case .connect(let reason): #expect(reason.contains("timed out"))
            case .timeout: break
            default: Issue.record("expected a timeout, got \(error)")
            }
        }
    }
}
