import CLinux
import Glibc

/// This process's memory as the kernel counts it, for `/metrics` and the soak run.
public enum ProcessMemory {
    /// Resident set size in bytes (`/proc/self/statm`'s second field, in pages), or nil off Linux.
    public static func residentBytes() -> Int64? {
        guard let file = fopen("/proc/self/statm", "r") else { return nil }
        defer { fclose(file) }
        var size = 0, resident = 0
        guard readStatm(file, &size, &resident) else { return nil }
        return Int64(resident) * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Bytes malloc has handed out and not had back (glibc's `mallinfo2`): live allocations. When
    /// the resident size grows and this does not, the growth is the allocator's free lists, not a leak.
    public static func heapInUseBytes() -> Int64 {
        Int64(ae_malloc_in_use())
    }

    /// Hands the free pages inside malloc's arenas back to the kernel. glibc keeps what its
    /// per-thread arenas freed, and with many threads allocating briefly (HTTP workers, curl,
    /// SQLite) a long-running process's resident size creeps up with no live allocation behind
    /// it; the soak run showed about 1 MiB a market day. Called once a minute, it costs a few ms.
    public static func releaseFreePages() { ae_malloc_trim() }

    /// Reads the first two numbers of statm (total and resident pages).
    private static func readStatm(_ file: UnsafeMutablePointer<FILE>, _ size: inout Int, _ resident: inout Int) -> Bool {
        var buffer = [CChar](repeating: 0, count: 128)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return false }
        let fields = String(cString: buffer).split(separator: " ")
        guard fields.count >= 2, let total = Int(fields[0]), let rss = Int(fields[1]) else { return false }
        size = total
        resident = rss
        return true
    }
}
