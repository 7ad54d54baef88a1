import CLinux
import Foundation

/// Turns SIGINT and SIGTERM into a readable file descriptor (signalfd), so long-running loops
/// notice them between units of work and stop cleanly instead of dying mid-write.
final class ShutdownSignal {
    private let descriptor: Int32

    /// Blocks SIGINT and SIGTERM for the process; call before starting any thread.
    init() throws {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        guard pthread_sigmask(SIG_BLOCK, &signals, nil) == 0 else {
            throw ValidationFailure("cannot block SIGINT/SIGTERM", status: 1)
        }
        descriptor = signalfd(-1, &signals, Int32(SFD_CLOEXEC))
        guard descriptor >= 0 else { throw ValidationFailure("signalfd failed: errno \(errno)", status: 1) }
    }

    deinit { close(descriptor) }

    /// Waits up to `milliseconds` and returns the signal's name if SIGINT or SIGTERM arrived.
    func wait(milliseconds: Int32) -> String? {
        var descriptors = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptors, 1, milliseconds) > 0 else { return nil }
        var info = signalfd_siginfo()
        guard read(descriptor, &info, MemoryLayout<signalfd_siginfo>.size) == MemoryLayout<signalfd_siginfo>.size else {
            return nil
        }
        return info.ssi_signo == UInt32(SIGINT) ? "SIGINT" : "SIGTERM"
    }
}
