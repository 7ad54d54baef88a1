import CSQLite

/// What SQLite holds in this process (every connection's page cache, statements, schema): the
/// part of the resident memory that grows with the database up to the caches' limits, told apart
/// from the rest, which must stay flat.
public enum SQLiteMemory {
    public static var usedBytes: Int64 { sqlite3_memory_used() }
}
