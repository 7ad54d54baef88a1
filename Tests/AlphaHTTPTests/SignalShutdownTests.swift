import AlphaTestSupport
import Foundation
import Testing

/// The server as a process: SIGTERM and SIGINT stop it cleanly, finishing what is in flight.
@Suite("Server process shutdown on signals")
struct SignalShutdownTests {
    final class ServerProcess {
        let process = Process()
        let output = Pipe()
        let port: UInt16

        init() throws {
            process.executableURL = BuiltExecutable.url("alphahttp-bench-server")
            process.arguments = ["--port", "0", "--loops", "1"]
            process.standardOutput = output
            try process.run()
            let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
            guard let text = line.split(separator: ":").last?.prefix(while: \.isNumber), let port = UInt16(text) else {
                throw RawClient.Failure(description: "no port in \(line)")
            }
            self.port = port
        }

        func signal(_ number: Int32) { kill(process.processIdentifier, number) }

        func finish() -> (status: Int32, output: String) {
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
    }

    @Test("SIGTERM during a request: the request completes with Connection: close, then exit 0")
    func sigtermFinishesInFlight() throws {
        let server = try ServerProcess()
        let client = try RawClient(port: server.port)
        try client.send("GET /slow?ms=400 HTTP/1.1\r\nHost: t\r\n\r\n")
        usleep(100_000)
        server.signal(SIGTERM)
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "slept 400 ms")
        #expect(response.header("Connection") == "close")
        let (status, output) = server.finish()
        #expect(status == 0)
        #expect(output.contains("stopped"))
    }

    @Test("SIGINT on an idle server: exit 0 and the port is free again")
    func sigintIdle() throws {
        let server = try ServerProcess()
        let idle = try RawClient(port: server.port)
        try idle.send("GET /json HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try idle.readResponse().status == 200)
        server.signal(SIGINT)
        #expect(idle.waitForClose())
        #expect(server.finish().status == 0)
        #expect((try? RawClient(port: server.port)) == nil)
    }
}
