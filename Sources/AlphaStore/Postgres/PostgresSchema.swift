/// The PostgreSQL schema (issue 19), versioned like SQLite's: each migration once, in its own
/// transaction, under an advisory lock so two processes starting together do not race.
/// Amounts and JSON stay text, exactly as the SQLite store keeps them.
public enum PostgresSchema {
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
        // Every table of the SQLite store at its version 13, in PostgreSQL's types: integers are
        // BIGINT, amounts and JSON stay text. The event store is append-only by trigger, as there.
        Migration(version: 2, name: "event store, projections and every other table", sql: """
            CREATE TABLE event_store (
                seq BIGINT PRIMARY KEY,
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
            CREATE INDEX event_store_by_type ON event_store (event_type, seq);
            CREATE INDEX event_store_by_entity ON event_store (entity_kind, entity_id, seq);
            CREATE FUNCTION event_store_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'event_store is append-only'; END $$;
            CREATE TRIGGER event_store_is_append_only BEFORE UPDATE OR DELETE ON event_store
                FOR EACH ROW EXECUTE FUNCTION event_store_is_append_only();
            CREATE TRIGGER event_store_is_not_truncated BEFORE TRUNCATE ON event_store
                FOR EACH STATEMENT EXECUTE FUNCTION event_store_is_append_only();
            -- A commit that stored events wakes the tails listening (the web's SSE, the CLI): one
            -- notification per transaction, as PostgreSQL folds equal ones.
            CREATE FUNCTION event_store_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN PERFORM pg_notify('alphaengine_events_' || current_schema(), ''); RETURN NULL; END $$;
            CREATE TRIGGER event_store_notifies AFTER INSERT ON event_store
                FOR EACH STATEMENT EXECUTE FUNCTION event_store_notify();

            CREATE TABLE config_store (
                key TEXT PRIMARY KEY,
                value_json TEXT NOT NULL,
                version BIGINT NOT NULL CHECK (version > 0),
                updated_at TEXT NOT NULL,
                updated_by TEXT NOT NULL
            );

            CREATE TABLE projection_orders (
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
                reduce_only BIGINT NOT NULL,
                time BIGINT NOT NULL,
                reason TEXT
            );
            CREATE INDEX projection_orders_by_status ON projection_orders (status);
            CREATE INDEX projection_orders_by_status_time ON projection_orders (status, time);
            CREATE TABLE projection_positions (
                symbol TEXT PRIMARY KEY,
                amount TEXT NOT NULL,
                entry_price TEXT NOT NULL,
                unrealized_pnl TEXT NOT NULL,
                reason TEXT,
                time BIGINT NOT NULL
            );
            CREATE TABLE projection_balances (
                asset TEXT PRIMARY KEY,
                wallet_balance TEXT NOT NULL,
                cross_wallet_balance TEXT NOT NULL,
                change TEXT,
                reason TEXT,
                time BIGINT NOT NULL
            );
            CREATE TABLE projection_pnl_daily (
                day TEXT NOT NULL,
                asset TEXT NOT NULL,
                realized_pnl TEXT NOT NULL,
                fees TEXT NOT NULL,
                funding TEXT NOT NULL,
                trades BIGINT NOT NULL,
                PRIMARY KEY (day, asset)
            );
            CREATE TABLE projection_status (
                id BIGINT PRIMARY KEY CHECK (id = 1),
                engine_state TEXT NOT NULL,
                engine_mode TEXT NOT NULL,
                engine_since TEXT,
                engine_reason TEXT,
                boot_id TEXT,
                stream_state TEXT NOT NULL,
                stream_since TEXT,
                reconnects BIGINT NOT NULL,
                last_reconcile_at BIGINT,
                last_reconcile_run_id TEXT,
                last_reconcile_drifts BIGINT NOT NULL,
                drift_total BIGINT NOT NULL,
                config_version BIGINT NOT NULL,
                resume_state TEXT NOT NULL DEFAULT 'RUNNING'
            );
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
            CREATE TABLE projection_cost_basis (
                symbol TEXT PRIMARY KEY,
                quantity TEXT NOT NULL,
                average_price TEXT NOT NULL
            );
            CREATE TABLE projection_checkpoint (
                id BIGINT PRIMARY KEY CHECK (id = 1),
                last_seq BIGINT NOT NULL
            );
            INSERT INTO projection_checkpoint (id, last_seq) VALUES (1, 0);

            CREATE TABLE users (
                name TEXT PRIMARY KEY,
                role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
                password_hash TEXT NOT NULL,
                created_at TEXT NOT NULL,
                disabled_at TEXT,
                sessions_valid_after BIGINT NOT NULL DEFAULT 0
            );
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
                expires_at BIGINT NOT NULL
            );
            CREATE TABLE process_heartbeat (
                process TEXT PRIMARY KEY,
                boot_id TEXT NOT NULL,
                pid BIGINT NOT NULL,
                beat_at TEXT NOT NULL,
                details_json TEXT NOT NULL
            );

            CREATE TABLE market_candles (
                symbol TEXT NOT NULL,
                timeframe TEXT NOT NULL,
                open_time BIGINT NOT NULL,
                close_time BIGINT NOT NULL,
                open TEXT NOT NULL,
                high TEXT NOT NULL,
                low TEXT NOT NULL,
                close TEXT NOT NULL,
                volume TEXT NOT NULL,
                quote_volume TEXT NOT NULL,
                trades BIGINT NOT NULL,
                PRIMARY KEY (symbol, timeframe, open_time)
            );
            CREATE TABLE market_marks (
                symbol TEXT PRIMARY KEY,
                price TEXT NOT NULL,
                funding_rate TEXT,
                next_funding_time BIGINT,
                time BIGINT NOT NULL
            );
            CREATE TABLE market_symbols (
                symbol TEXT PRIMARY KEY,
                tick_size TEXT NOT NULL,
                step_size TEXT NOT NULL,
                min_quantity TEXT NOT NULL,
                max_quantity TEXT,
                min_notional TEXT,
                updated_at TEXT NOT NULL
            );

            CREATE TABLE backtest_runs (
                id TEXT PRIMARY KEY,
                created_at BIGINT NOT NULL,
                requested_by TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('RUNNING', 'DONE', 'FAILED')),
                strategy TEXT NOT NULL,
                request_json TEXT NOT NULL,
                summary_json TEXT,
                report_json TEXT,
                error TEXT,
                finished_at BIGINT
            );
            CREATE INDEX backtest_runs_by_time ON backtest_runs (created_at, id);

            CREATE TABLE notification_outbox (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                destination TEXT NOT NULL,
                dedup_key TEXT NOT NULL,
                kind TEXT NOT NULL,
                topic TEXT,
                message TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                attempts BIGINT NOT NULL DEFAULT 0,
                next_attempt_at BIGINT NOT NULL,
                delivered_at BIGINT,
                failed_at BIGINT,
                last_error TEXT,
                UNIQUE (destination, dedup_key)
            );
            CREATE INDEX notification_outbox_pending ON notification_outbox (destination, id) WHERE delivered_at IS NULL AND failed_at IS NULL;
            CREATE INDEX notification_outbox_topics ON notification_outbox (destination, topic, created_at) WHERE topic IS NOT NULL;
            CREATE TABLE notifier_cursors (
                name TEXT PRIMARY KEY,
                position BIGINT NOT NULL
            );
            """),
    ]

    public static var latestVersion: Int { migrations.last?.version ?? 0 }

    /// Applies what the database lacks; returns the versions applied.
    @discardableResult
    public static func migrate(_ connection: PostgresConnection) throws -> [Int] {
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
