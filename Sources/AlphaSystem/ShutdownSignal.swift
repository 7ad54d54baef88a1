import CLinux
import Glibc

/// Turns SIGINT and SIGTERM into a readable file descriptor (signalfd), so long-running loops
/// notice them between units of work and stop cleanly instead of dying mid-write.
public final class ShutdownSignal {
    private let descriptor: Int32
    /// Once a signal has arrived it stays arrived: several places may ask, and reading the
    /// signalfd consumes it (a loop that asked twice used to miss it and never stop).
    private var received: String?

    /// Blocks SIGINT and SIGTERM for the process; call before starting any thread.
    public init() throws(SystemError) {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        let result = pthread_sigmask(SIG_BLOCK, &signals, nil)
        guard result == 0 else { throw SystemError("pthread_sigmask", code: result) }
        descriptor = signalfd(-1, &signals, Int32(SFD_CLOEXEC))
        guard descriptor >= 0 else { throw SystemError("signalfd") }
    }

    deinit { close(descriptor) }

    /// Waits up to `milliseconds` and returns the signal's name if SIGINT or SIGTERM arrived.
    public func wait(milliseconds: Int32) -> String? {
        if let received { return received }
        var descriptors = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptors, 1, milliseconds) > 0 else { return nil }
        var info = signalfd_siginfo()
        guard read(descriptor, &info, MemoryLayout<signalfd_siginfo>.size) == MemoryLayout<signalfd_siginfo>.size else {
            return nil
        }
        received = info.ssi_signo == UInt32(SIGINT) ? "SIGINT" : "SIGTERM"
        return received
    }
}

/// Writing to a socket whose peer has gone must return EPIPE, not kill the process.
public func ignoreBrokenPipeSignals() {
    signal(SIGPIPE, SIG_IGN)
}
