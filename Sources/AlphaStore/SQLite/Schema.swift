/// The schema, as numbered migrations recorded in `PRAGMA user_version`. A migration is never
/// edited once released; changes come as new entries.
enum Schema {
    struct Migration {
        let version: Int
        let name: String
        let sql: String
        /// Whether the projections are rebuilt from the events after the SQL, in the same
        /// transaction: a new projection of old events cannot be written in SQL exactly.
        var rebuildsProjections = false
    }

    static let migrations: [Migration] = [
        Migration(version: 1, name: "event, command and config stores; projections", sql: """
            CREATE TABLE event_store (
                seq INTEGER PRIMARY KEY,
                event_id TEXT NOT NULL UNIQUE,
                event_type TEXT NOT NULL,
                ts TEXT NOT NULL,
                correlation_id TEXT NOT NULL,
                causation_id TEXT,
                command_id TEXT,
                source TEXT NOT NULL,
                entity_kind TEXT NOT NULL,
                entity_id TEXT NOT NULL,
                scope_exchange TEXT NOT NULL,
                scope_venue TEXT NOT NULL,
                scope_account_id TEXT NOT NULL,
                scope_symbol TEXT,
                scope_mode TEXT NOT NULL,
                dedup_key TEXT NOT NULL UNIQUE,
                payload_json TEXT NOT NULL
            );
            CREATE INDEX event_store_by_type ON event_store(event_type, seq);
            CREATE INDEX event_store_by_entity ON event_store(entity_kind, entity_id, seq);
            CREATE TRIGGER event_store_is_append_only_update BEFORE UPDATE ON event_store
                BEGIN SELECT RAISE(ABORT, 'event_store is append-only'); END;
            CREATE TRIGGER event_store_is_append_only_delete BEFORE DELETE ON event_store
                BEGIN SELECT RAISE(ABORT, 'event_store is append-only'); END;

            CREATE TABLE command_store (
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
            -- Every index ends with the rowid, so these also serve ORDER BY ..., rowid.
            CREATE INDEX command_store_claimable ON command_store(priority DESC) WHERE status = 'NEW';
            CREATE INDEX command_store_by_status ON command_store(status);

            CREATE TABLE config_store (
                key TEXT PRIMARY KEY,
                value_json TEXT NOT NULL,
                version INTEGER NOT NULL CHECK (version > 0),
                updated_at TEXT NOT NULL,
                updated_by TEXT NOT NULL
            );

            CREATE TABLE projection_orders (
                client_order_id TEXT PRIMARY KEY,
                symbol TEXT NOT NULL,
                order_id INTEGER,
                side TEXT NOT NULL,
                type TEXT NOT NULL,
                status TEXT NOT NULL,
                price TEXT NOT NULL,
                quantity TEXT NOT NULL,
                filled_quantity TEXT NOT NULL,
                average_price TEXT NOT NULL,
                reduce_only INTEGER NOT NULL,
                time INTEGER NOT NULL,
                reason TEXT
            );
            CREATE INDEX projection_orders_by_status ON projection_orders(status);
            CREATE TABLE projection_positions (
                symbol TEXT PRIMARY KEY,
                amount TEXT NOT NULL,
                entry_price TEXT NOT NULL,
                unrealized_pnl TEXT NOT NULL,
                reason TEXT,
                time INTEGER NOT NULL
            );
            CREATE TABLE projection_balances (
                asset TEXT PRIMARY KEY,
                wallet_balance TEXT NOT NULL,
                cross_wallet_balance TEXT NOT NULL,
                change TEXT,
                reason TEXT,
                time INTEGER NOT NULL
            );
            CREATE TABLE projection_pnl_daily (
                day TEXT NOT NULL,
                asset TEXT NOT NULL,
                realized_pnl TEXT NOT NULL,
                fees TEXT NOT NULL,
                funding TEXT NOT NULL,
                trades INTEGER NOT NULL,
                PRIMARY KEY (day, asset)
            );
            CREATE TABLE projection_status (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                engine_state TEXT NOT NULL,
                engine_mode TEXT NOT NULL,
                engine_since TEXT,
                engine_reason TEXT,
                boot_id TEXT,
                stream_state TEXT NOT NULL,
                stream_since TEXT,
                reconnects INTEGER NOT NULL,
                last_reconcile_at INTEGER,
                last_reconcile_run_id TEXT,
                last_reconcile_drifts INTEGER NOT NULL,
                drift_total INTEGER NOT NULL,
                config_version INTEGER NOT NULL
            );
            CREATE TABLE projection_checkpoint (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                last_seq INTEGER NOT NULL
            );
            INSERT INTO projection_checkpoint (id, last_seq) VALUES (1, 0);
            """),
        // The bot keeps only open and recent finished orders in memory; this finds them without
        // reading every order ever placed.
        Migration(version: 2, name: "orders by status and time", sql: """
            CREATE INDEX projection_orders_by_status_time ON projection_orders(status, time);
            """),
        Migration(version: 3, name: "web users", sql: """
            CREATE TABLE users (
                name TEXT PRIMARY KEY,
                role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
                password_hash TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            """),
        // Read-only tokens for third-party dashboards (only a hash of the secret is kept), signed-out
        // sessions until their tokens expire, and each process's latest sign of life.
        Migration(version: 4, name: "API tokens, revoked sessions, heartbeats", sql: """
            CREATE TABLE api_tokens (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role = 'viewer'),
                secret_hash TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                last_used_at TEXT,
                revoked_at TEXT
            );
            CREATE TABLE revoked_sessions (
                token_id TEXT PRIMARY KEY,
                expires_at INTEGER NOT NULL
            );
            CREATE TABLE process_heartbeat (
                process TEXT PRIMARY KEY,
                boot_id TEXT NOT NULL,
                pid INTEGER NOT NULL,
                beat_at TEXT NOT NULL,
                details_json TEXT NOT NULL
            );
            """),
        // The state a boot resumes (RUNNING, PAUSED or SAFE), kept while the engine is STOPPED. A file
        // from before knew no such thing and its bot always booted RUNNING: it keeps an active state,
        // or SAFE with mode safe, and otherwise resumes RUNNING as it would have (a rebuild derives
        // the exact value from the events).
        Migration(version: 5, name: "engine state resumed at boot", sql: """
            ALTER TABLE projection_status ADD COLUMN resume_state TEXT NOT NULL DEFAULT 'RUNNING';
            UPDATE projection_status SET resume_state = CASE
                WHEN engine_mode = 'safe' THEN 'SAFE'
                WHEN engine_state IN ('RUNNING', 'PAUSED', 'SAFE') THEN engine_state
                ELSE 'RUNNING' END;
            """),
        // Exchange order ids are strings in the domain (Upbit's are UUIDs). SQLite cannot change a
        // column's type, so the table is rebuilt; the ids Binance numbered become their decimal
        // text, which is what the events (and their dedup keys) read as.
        Migration(version: 6, name: "exchange order ids are text", sql: """
            CREATE TABLE projection_orders_text_ids (
                client_order_id TEXT PRIMARY KEY,
                symbol TEXT NOT NULL,
                order_id TEXT,
                side TEXT NOT NULL,
                type TEXT NOT NULL,
                status TEXT NOT NULL,
                price TEXT NOT NULL,
                quantity TEXT NOT NULL,
                filled_quantity TEXT NOT NULL,
                average_price TEXT NOT NULL,
                reduce_only INTEGER NOT NULL,
                time INTEGER NOT NULL,
                reason TEXT
            );
            INSERT INTO projection_orders_text_ids
                SELECT client_order_id, symbol, CAST(order_id AS TEXT), side, type, status, price, quantity,
                       filled_quantity, average_price, reduce_only, time, reason
                FROM projection_orders;
            DROP TABLE projection_orders;
            ALTER TABLE projection_orders_text_ids RENAME TO projection_orders;
            CREATE INDEX projection_orders_by_status ON projection_orders(status);
            CREATE INDEX projection_orders_by_status_time ON projection_orders(status, time);
            """),
        // Market data is not an account fact: its own tables, bounded by the writer, not events.
        Migration(version: 7, name: "market candles and mark prices", sql: """
            CREATE TABLE market_candles (
                symbol TEXT NOT NULL,
                timeframe TEXT NOT NULL,
                open_time INTEGER NOT NULL,
                close_time INTEGER NOT NULL,
                open TEXT NOT NULL,
                high TEXT NOT NULL,
                low TEXT NOT NULL,
                close TEXT NOT NULL,
                volume TEXT NOT NULL,
                quote_volume TEXT NOT NULL,
                trades INTEGER NOT NULL,
                PRIMARY KEY (symbol, timeframe, open_time)
            ) WITHOUT ROWID;
            CREATE TABLE market_marks (
                symbol TEXT PRIMARY KEY,
                price TEXT NOT NULL,
                funding_rate TEXT,
                next_funding_time INTEGER,
                time INTEGER NOT NULL
            );
            """),
        // The order filters, so the dashboard can check a manual order before it is sent.
        Migration(version: 8, name: "symbol rules", sql: """
            CREATE TABLE market_symbols (
                symbol TEXT PRIMARY KEY,
                tick_size TEXT NOT NULL,
                step_size TEXT NOT NULL,
                min_quantity TEXT NOT NULL,
                max_quantity TEXT,
                min_notional TEXT,
                updated_at TEXT NOT NULL
            );
            """),
        // Holdings are a new projection of old events (the sum of our fills, exactly): the whole
        // event store is replayed into fresh projections in the migration's transaction (rule 7).
        Migration(version: 9, name: "holdings and quarantines", sql: """
            CREATE TABLE projection_holdings (
                symbol TEXT PRIMARY KEY,
                amount TEXT NOT NULL
            );
            CREATE TABLE projection_quarantines (
                symbol TEXT PRIMARY KEY,
                quarantine_id TEXT NOT NULL,
                status TEXT NOT NULL,
                record TEXT NOT NULL
            );
            """, rebuildsProjections: true),
        // Not events: a backtest is a computation over candles, not a change of the account's state.
        Migration(version: 10, name: "backtest runs", sql: """
            CREATE TABLE backtest_runs (
                id TEXT PRIMARY KEY,
                created_at INTEGER NOT NULL,
                requested_by TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('RUNNING', 'DONE', 'FAILED')),
                strategy TEXT NOT NULL,
                request_json TEXT NOT NULL,
                summary_json TEXT,
                report_json TEXT,
                error TEXT,
                finished_at INTEGER
            );
            CREATE INDEX backtest_runs_by_time ON backtest_runs (created_at, id);
            """),
        // A disabled user cannot sign in; access tokens issued at or before sessions_valid_after
        // (seconds since the epoch: a password change, a disable) are refused.
        Migration(version: 11, name: "disabled users, sessions cut off", sql: """
            ALTER TABLE users ADD COLUMN disabled_at TEXT;
            ALTER TABLE users ADD COLUMN sessions_valid_after INTEGER NOT NULL DEFAULT 0;
            """),
        // The notifier's outbox: a message a destination, kept until delivered so a restart or
        // a receiver that is down loses none; the cursors say how far it has read the event log
        // (and Telegram's updates), advanced in the same transaction as the rows they produced.
        Migration(version: 12, name: "notification outbox", sql: """
            CREATE TABLE notification_outbox (
                id INTEGER PRIMARY KEY,
                destination TEXT NOT NULL,
                dedup_key TEXT NOT NULL,
                kind TEXT NOT NULL,
                topic TEXT,
                message TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                delivered_at INTEGER,
                failed_at INTEGER,
                last_error TEXT,
                UNIQUE (destination, dedup_key)
            );
            CREATE INDEX notification_outbox_pending ON notification_outbox (destination, id) WHERE delivered_at IS NULL AND failed_at IS NULL;
            CREATE INDEX notification_outbox_topics ON notification_outbox (destination, topic, created_at) WHERE topic IS NOT NULL;
            CREATE TABLE notifier_cursors (
                name TEXT PRIMARY KEY,
                position INTEGER NOT NULL
            );
            """),
        // A spot venue's realized PnL is the sale price less the holding's average cost, which
        // the projections now keep; replayed from the events, like the holdings (rule 7).
        Migration(version: 13, name: "spot cost basis", sql: """
            CREATE TABLE projection_cost_basis (
                symbol TEXT PRIMARY KEY,
                quantity TEXT NOT NULL,
                average_price TEXT NOT NULL
            );
            """, rebuildsProjections: true),
    ]

    static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies every migration the database lacks, each in its own write transaction. Safe when
    /// two processes start at once: the version is read again under the write lock.
    @discardableResult
    static func migrate(_ database: Database) throws -> [Int] {
        var applied: [Int] = []
        for migration in migrations {
            let didApply: Bool = try database.write {
                let current = Int(try database.firstRow("PRAGMA user_version") { $0.int64(0) } ?? 0)
                guard current <= latestVersion else {
                    throw StoreError.newerSchema(found: current, supported: latestVersion)
                }
                guard current < migration.version else { return false }
                try database.execute(migration.sql)
                // Today's code rebuilds into today's tables: only the last migration that asks does,
                // once every table exists (a later one always runs after, in this same binary).
                if migration.rebuildsProjections, !migrations.contains(where: { $0.version > migration.version && $0.rebuildsProjections }) {
                    try ProjectionStore(database: database).replaceAll(with: try EventWriter.replay(EventStore(database: database)).state)
                }
                try database.execute("PRAGMA user_version = \(migration.version)")
                return true
            }
            if didApply { applied.append(migration.version) }
        }
        return applied
    }
}

extension Database {
    /// Opens the database at `path` and brings its schema up to date.
    public static func openMigrated(path: String, memory: MemoryProfile = .bulk) throws -> Database {
        let database = try Database(path: path, memory: memory)
        try Schema.migrate(database)
        return database
    }

    /// The schema version recorded in the file.
    public func schemaVersion() throws -> Int {
        Int(try statement("PRAGMA user_version").firstRow { $0.int64(0) } ?? 0)
    }
}
