import AlphaCore

/// A stored configuration value with its version.
public struct VersionedConfig<Value: Sendable & Equatable>: Sendable, Equatable {
    public var value: Value
    /// 0 when nothing is stored yet (the defaults).
    public var version: Int64
    public var updatedAt: Timestamp?
    public var updatedBy: String?
}

/// `config_store`: versioned values with optimistic concurrency. An update names the version it
/// was based on; if someone else changed the value since, it fails with `versionConflict`.
public final class ConfigStore {
    public let database: any SQLConnection
    /// The key of the runtime configuration (seed guide §4.4).
    public static let runtimeKey = "runtime"

    /// The venue the database trades: its symbols, and the defaults before anything is stored.
    public let venue: VenueCapabilities

    public init(database: any SQLConnection, venue: VenueCapabilities = .binanceUSDM) {
        self.database = database
        self.venue = venue
    }

    public func value(forKey key: String) throws -> VersionedConfig<JSONObject>? {
        try database.firstRow("SELECT value_json, version, updated_at, updated_by FROM config_store WHERE key = ?", [.text(key)]) { row in
                VersionedConfig(value: try JSONParser.parseObject(row.text(0)), version: row.int64(1),
                                updatedAt: Timestamp(iso8601: row.text(2)), updatedBy: row.text(3))
            }
    }

    /// The runtime configuration: the stored one, or the defaults at version 0.
    public func runtime() throws -> VersionedConfig<RuntimeConfig> {
        guard let stored = try value(forKey: Self.runtimeKey) else {
            return VersionedConfig(value: RuntimeConfig(venue: venue), version: 0, updatedAt: nil, updatedBy: nil)
        }
        return VersionedConfig(value: try RuntimeConfig(json: stored.value, venue: venue), version: stored.version,
                               updatedAt: stored.updatedAt, updatedBy: stored.updatedBy)
    }

    /// Stores `value` as the next version if the current one is `expectedVersion` (0 = not stored
    /// yet). Returns the new version. Joins the caller's transaction when there is one.
    @discardableResult
    public func update(key: String, value: JSONObject, expectedVersion: Int64, by actor: String,
                       now: Timestamp = .now()) throws -> Int64 {
        try database.write {
            let current = try database.firstRow("SELECT version FROM config_store WHERE key = ?", [.text(key)]) { $0.int64(0) } ?? 0
            guard current == expectedVersion else {
                throw StoreError.versionConflict(key: key, expected: expectedVersion, actual: current)
            }
            try database.run("""
                INSERT INTO config_store (key, value_json, version, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5)
                ON CONFLICT (key) DO UPDATE SET value_json = ?2, version = ?3, updated_at = ?4, updated_by = ?5
                """, [.text(key), .text(value.serialized), .integer(current + 1), .text(now.iso8601), .text(actor)])
            return current + 1
        }
    }

    /// Validates and stores a runtime configuration (see `update`).
    @discardableResult
    public func updateRuntime(_ config: RuntimeConfig, expectedVersion: Int64, by actor: String,
                              now: Timestamp = .now()) throws -> Int64 {
        try update(key: Self.runtimeKey, value: config.json, expectedVersion: expectedVersion, by: actor, now: now)
    }
}
