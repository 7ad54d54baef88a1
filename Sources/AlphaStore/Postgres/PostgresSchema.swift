/// The PostgreSQL schema (issue 19), versioned like SQLite's: each migration once, in its own
/// transaction, under an advisory lock so two processes starting together do not race.
/// Amounts and JSON stay text, exactly as the SQLite store keeps them.
enum PostgresSchema {
    struct Migration {
        let version: Int
        let name: String
        let sql: String
    }

    static let migrations: [Migration] = [
        Migration(version: 1, name: "command store", sql: """
            CREATE TABLE command_store (
                queue_seq BIGSERIAL UNIQUE,
                command_id TEXT PRIMARY KEY,
                command_type TEXT NOT NULL,
                ts TEXT NOT NULL,
                correlation_id TEXT NOT NULL,
                causation_id TEXT,
                actor_kind TEXT NOT NULL,
                actor_id TEXT NOT NULL,
                scope_exchange TEXT NOT NULL,
                scope_venue TEXT NOT NULL,
                scope_account_id TEXT NOT NULL,
                scope_symbol TEXT,
                scope_mode TEXT NOT NULL,
                idempotency_key TEXT NOT NULL UNIQUE,
                status TEXT NOT NULL CHECK (status IN ('NEW', 'SENT', 'ACK', 'FAILED')),
                priority INTEGER NOT NULL,
                payload_json TEXT NOT NULL,
                result_json TEXT,
                last_error TEXT,
                claimed_at TEXT,
                updated_at TEXT NOT NULL
            );
            CREATE INDEX command_store_claimable ON command_store (priority DESC, queue_seq) WHERE status = 'NEW';
            CREATE INDEX command_store_by_status ON command_store (status);
            """),
    ]

    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies what the database lacks; returns the versions applied.
    @discardableResult
    static func migrate(_ connection: PostgresConnection) throws -> [Int] {
        try connection.execute("CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)")
        var applied: [Int] = []
        for migration in migrations {
            let didApply = try connection.transaction {
                // One migrating process at a time; the others wait here, then find it done.
                try connection.execute("SELECT pg_advisory_xact_lock(7190019)")
                let stored = try connection.execute("SELECT version FROM schema_version WHERE id = 1").first?.first ?? nil
                let current = stored.flatMap { Int($0) } ?? 0
                guard current <= latestVersion else { throw StoreError.newerSchema(found: current, supported: latestVersion) }
                guard current < migration.version else { return false }
                try connection.execute(migration.sql)
                try connection.execute("INSERT INTO schema_version (id, version) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET version = $1",
                                       [String(migration.version)])
                return true
            }
            if didApply { applied.append(migration.version) }
        }
        return applied
    }
}
