import AlphaSystem
import Glibc
import Testing

@Suite("Shutdown signal")
struct ShutdownSignalTests {
    @Test("a signal, once arrived, is reported to every later question (reading the signalfd consumes it)")
    func latches() throws {
        let signal = try ShutdownSignal()
        #expect(signal.wait(milliseconds: 0) == nil)
        // raise() targets this thread, where ShutdownSignal has just blocked SIGTERM: it waits on the signalfd.
        raise(SIGTERM)
        #expect(signal.wait(milliseconds: 1000) == "SIGTERM")
        #expect(signal.wait(milliseconds: 0) == "SIGTERM")
        #expect(signal.wait(milliseconds: 0) == "SIGTERM")
    }
}
