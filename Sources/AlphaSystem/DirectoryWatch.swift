import CLinux
import Glibc

/// Wakes when a file in a directory is written (inotify), so a process following another
/// process's SQLite writes can sleep instead of polling: a commit appends to the `-wal` file
/// beside the database.
public final class DirectoryWatch {
    private let descriptor: Int32

    public init(directory: String) throws(SystemError) {
        descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        guard descriptor >= 0 else { throw SystemError("inotify_init1") }
        let mask = UInt32(IN_MODIFY) | UInt32(IN_CREATE) | UInt32(IN_MOVED_TO)
        guard inotify_add_watch(descriptor, directory, mask) >= 0 else {
            let error = SystemError("inotify_add_watch \(directory)")
            close(descriptor)
            throw error
        }
    }

    deinit { close(descriptor) }

    /// Waits up to `milliseconds` for a write in the directory; true if there was one. Every
    /// event queued so far is consumed: one wake covers a burst of writes.
    public func wait(milliseconds: Int32) -> Bool {
        var descriptors = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptors, 1, milliseconds) > 0 else { return false }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while read(descriptor, &buffer, buffer.count) > 0 {}
        return true
    }
}
