import CLinux
import Glibc

/// This process's memory as the kernel and the allocator count it, for `/metrics` and the soak run.
public enum ProcessMemory {
    /// Resident set size in bytes (`/proc/self/statm`'s second field, in pages), or nil off Linux.
    public static func residentBytes() -> Int64? {
        guard let file = fopen("/proc/self/statm", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 128)
        guard fgets(&line, Int32(line.count), file) != nil else { return nil }
        let fields = String(cString: line).split(separator: " ")
        guard fields.count >= 2, let pages = Int64(fields[1]) else { return nil }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Bytes malloc has handed out and not had back (glibc's `mallinfo2`): live allocations. When
    /// the resident size grows and this does not, the growth is the allocator's, not a leak.
    public static func heapInUseBytes() -> Int64 {
        Int64(ae_malloc_in_use())
    }
}
