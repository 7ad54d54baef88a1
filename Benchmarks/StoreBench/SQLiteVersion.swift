import CSQLite

func sqlite3VersionString() -> UnsafePointer<CChar> { sqlite3_libversion() }
