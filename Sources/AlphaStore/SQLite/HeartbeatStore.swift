import AlphaCore

/// A process's latest sign of life, with what it wants others to see (the bot's rate-limit use).
public struct Heartbeat: Sendable, Equatable {
    public let process: String
    public let bootID: String
    public let pid: Int64
    public let beatAt: Timestamp
    public let details: JSONObject

    public init(process: String, bootID: String, pid: Int64, beatAt: Timestamp, details: JSONObject) {
        self.process = process
        self.bootID = bootID
        self.pid = pid
        self.beatAt = beatAt
        self.details = details
    }
}

/// `process_heartbeat`: one row per process, overwritten each beat. Not an event: a beat is not a
/// change of state, and a second-by-second log of them would bury the events that are.
public final class HeartbeatStore {
    public let database: any SQLConnection

    public init(database: any SQLConnection) { self.database = database }

    public func beat(_ heartbeat: Heartbeat) throws {
        _ = try database.write {
            try database.run("""
                INSERT INTO process_heartbeat (process, boot_id, pid, beat_at, details_json) VALUES (?, ?, ?, ?, ?) ON CONFLICT (process) DO UPDATE SET boot_id = excluded.boot_id, pid = excluded.pid, beat_at = excluded.beat_at, details_json = excluded.details_json
                """, [.text(heartbeat.process), .text(heartbeat.bootID), .integer(heartbeat.pid),
                          .text(heartbeat.beatAt.iso8601), .text(heartbeat.details.serialized)])
        }
    }

    public func heartbeat(process: String) throws -> Heartbeat? {
        try database.firstRow("SELECT process, boot_id, pid, beat_at, details_json FROM process_heartbeat WHERE process = ?", [.text(process)]) { row in
                Heartbeat(process: row.text(0), bootID: row.text(1), pid: row.int64(2),
                          beatAt: Timestamp(iso8601: row.text(3)) ?? Timestamp(millisecondsSinceEpoch: 0),
                          details: (try? JSONParser.parseObject(row.text(4))) ?? JSONObject())
            }
    }
}
