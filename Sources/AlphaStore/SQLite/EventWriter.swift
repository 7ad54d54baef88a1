import AlphaCore

/// What happened to one event handed to `EventWriter`.
public enum AppendOutcome: Sendable, Equatable {
    /// Stored under this seq.
    case appended(seq: Int64)
    /// Its fact was already stored (the other channel's copy, or a replay): nothing was written.
    case duplicate(existingSeq: Int64)

    public var seq: Int64 {
        switch self {
        case .appended(let seq), .duplicate(let seq): seq
        }
    }

    public var isDuplicate: Bool { if case .duplicate = self { true } else { false } }
}

/// The single writer of `event_store` (DESIGN §1): dedup → append → project, in one transaction.
///
/// It keeps the projections in memory and writes only the rows each transaction changes. If a
/// transaction fails, nothing of it is stored and the in-memory state is reloaded from the
/// database, so memory never runs ahead of disk.
public final class EventWriter: EventJournal {
    public let database: any SQLConnection
    public let events: EventStore
    public let projections: ProjectionStore
    /// The projections as of the last committed append. Orders are the working set: every open
    /// one and the latest finished ones (`residentTerminalOrders`, at most twice that between
    /// trims); older finished orders stay in `projection_orders` and are read back if an event
    /// ever names one again, so memory stays flat however long the history grows.
    public private(set) var state: ProjectionState
    public let residentTerminalOrders: Int
    /// Told after each commit the events it stored (with their seqs; duplicates left out), in
    /// order: the bot's kernel hands them to its components.
    public var didCommit: (([Event]) -> Void)?
    /// When set, every appended event is stamped with this clock's time: `ts` is when the
    /// engine recorded the fact, and the bot's one clock says when that is (a manual one in tests).
    public var clock: (any Clock)?

    /// Loads the projections from their checkpoint and applies any events stored after it
    /// (DESIGN §8), so a writer always starts from a state that matches the event store.
    public init(database: any SQLConnection, residentTerminalOrders: Int = 2_000) throws {
        self.residentTerminalOrders = residentTerminalOrders
        self.database = database
        self.events = EventStore(database: database)
        self.projections = ProjectionStore(database: database)
        self.state = ProjectionState()
        try catchUp()
    }

    /// Appends one event; a duplicate dedup key is reported, not an error.
    @discardableResult
    public func append(_ event: Event) throws -> AppendOutcome {
        try append([event])[0]
    }

    /// Appends a batch in one transaction, then runs `alongside` in that same transaction (for
    /// example a `config_store` update that must commit or fail together with `ConfigChanged`;
    /// repositories on this connection join the open transaction). A payload that does not fit
    /// its event type fails the whole batch: nothing is half-written.
    @discardableResult
    public func append(_ batch: [Event], alongside: (() throws -> Void)? = nil) throws -> [AppendOutcome] {
        var stored: [Event] = []
        defer { if !stored.isEmpty { didCommit?(stored) } }
        do {
            return try database.write {
                stored = []
                // Another writer on this store (which the design forbids, but a mistake must not
                // corrupt the projections) would have moved the checkpoint: start from disk then.
                // The checkpoint's row stays locked to the commit (PostgreSQL; SQLite's write lock
                // is the whole file), so two writers take turns and seqs are allocated in commit order.
                if try projections.checkpoint(locking: true) != state.lastSeq { state = try projections.load(recentTerminalOrders: residentTerminalOrders) }
                var outcomes: [AppendOutcome] = []
                outcomes.reserveCapacity(batch.count)
                var changes = ProjectionChanges()
                // Seqs are given here, one after the last, not drawn from the engine: PostgreSQL's
                // sequences skip the values of a duplicate or a rollback, and gaps would make two
                // copies of one history differ. Writers take turns (above), and the checkpoint is
                // the last event's seq (projections advance with their events), so this one is free.
                var next = state.lastSeq + 1
                for var event in batch {
                    if let clock { event.ts = clock.now }
                    if let seq = try insert(event, seq: next) {
                        next += 1
                        event.seq = seq
                        try readBackOrder(for: event)
                        do throws(PayloadError) {
                            changes.formUnion(try state.apply(event))
                        } catch {
                            throw StoreError.invalidPayload(eventType: event.type.rawValue, seq: nil, error)
                        }
                        outcomes.append(.appended(seq: seq))
                        if didCommit != nil { stored.append(event) }
                    } else {
                        outcomes.append(.duplicate(existingSeq: try existingSeq(dedupKey: event.dedupKey)))
                    }
                }
                if outcomes.contains(where: { !$0.isDuplicate }) { try projections.write(changes, from: state) }
                try alongside?()
                trimFinishedOrders()
                return outcomes
            }
        } catch {
            stored = []  // rolled back: nothing was stored
            reloadAfterFailure()
            throw error
        }
    }

    /// Drops every projection row and replays the whole event store into fresh ones, in one
    /// transaction. Returns the number of events replayed.
    @discardableResult
    public func rebuildProjections() throws -> Int64 {
        do {
            return try database.write {
                let rebuilt = try Self.replay(events)
                try projections.replaceAll(with: rebuilt.state)
                state = rebuilt.state
                trimFinishedOrders()
                return rebuilt.count
            }
        } catch {
            reloadAfterFailure()
            throw error
        }
    }

    /// Folds the event store through the reducer from scratch, touching no table: the state the
    /// projections must equal (rule 7).
    public static func replay(_ events: EventStore) throws -> (state: ProjectionState, count: Int64) {
        var state = ProjectionState()
        var count: Int64 = 0
        try events.forEach { event in
            do throws(PayloadError) {
                try state.apply(event)
            } catch {
                throw StoreError.invalidPayload(eventType: event.type.rawValue, seq: event.seq, error)
            }
            count += 1
        }
        return (state, count)
    }

    /// A failed transaction left nothing on disk; memory must not keep what it applied. If even
    /// the reload fails, the next append sees a checkpoint mismatch and loads again.
    private func reloadAfterFailure() {
        state = (try? projections.load(recentTerminalOrders: residentTerminalOrders)) ?? ProjectionState()
    }

    /// An order trimmed from memory is read back before an event changes it.
    private func readBackOrder(for event: Event) throws {
        guard event.entityKind == .order, case .string(let clientOrderID)? = event.payload["clientOrderId"],
              state.orders[clientOrderID] == nil, let stored = try projections.order(clientOrderID: clientOrderID) else { return }
        state.orders[clientOrderID] = stored
    }

    /// Keeps open orders and the latest `residentTerminalOrders` finished ones; runs only when
    /// finished orders pass twice that, so its cost is spread thin.
    private func trimFinishedOrders() {
        guard state.orders.count > 2 * residentTerminalOrders else { return }
        let finished = state.orders.values.filter { $0.status.isTerminal }
        guard finished.count > 2 * residentTerminalOrders else { return }
        for order in finished.sorted(by: { $0.time > $1.time }).dropFirst(residentTerminalOrders) {
            state.orders[order.clientOrderID] = nil
        }
    }

    private func catchUp() throws {
        try database.write {
            state = try projections.load(recentTerminalOrders: residentTerminalOrders)
            var changes = ProjectionChanges()
            var applied = false
            try events.forEach(after: state.lastSeq) { event in
                try readBackOrder(for: event)
                do throws(PayloadError) {
                    changes.formUnion(try state.apply(event))
                } catch {
                    throw StoreError.invalidPayload(eventType: event.type.rawValue, seq: event.seq, error)
                }
                applied = true
            }
            if applied { try projections.write(changes, from: state) }
            trimFinishedOrders()
        }
    }

    /// Inserts under `seq` unless the dedup key is taken; returns the seq, or nil for a duplicate.
    private func insert(_ event: Event, seq: Int64) throws -> Int64? {
        try database.firstRow("""
            INSERT INTO event_store (seq, event_id, event_type, ts, correlation_id, causation_id, command_id, source,
                entity_kind, entity_id, scope_exchange, scope_venue, scope_account_id, scope_symbol, scope_mode,
                dedup_key, payload_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (dedup_key) DO NOTHING
            RETURNING seq
            """, [
                .integer(seq), .text(event.id), .text(event.type.rawValue), .text(event.ts.iso8601), .text(event.correlationID),
                .optional(event.causationID), .optional(event.commandID), .text(event.source.rawValue),
                .text(event.entityKind.rawValue), .text(event.entityID), .text(event.scope.exchange),
                .text(event.scope.venue), .text(event.scope.accountID), .optional(event.scope.symbol),
                .text(event.scope.mode.rawValue), .text(event.dedupKey), .text(event.payload.serialized),
            ]) { $0.int64(0) }
    }

    private func existingSeq(dedupKey: String) throws -> Int64 {
        guard let seq = try database.firstRow("SELECT seq FROM event_store WHERE dedup_key = ?", [.text(dedupKey)], { $0.int64(0) })
        else { throw StoreError.notFound("event with dedup key \(dedupKey)") }
        return seq
    }
}
