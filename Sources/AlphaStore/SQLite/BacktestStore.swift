import AlphaCore

/// A backtest as it is listed: who asked for what, where it stands, and its headline figures.
public struct BacktestRun: Sendable, Equatable {
    public enum Status: String, Sendable { case running = "RUNNING", done = "DONE", failed = "FAILED" }

    public let id: String
    public let createdAt: Timestamp
    /// "web:<user>" for a command from the API, "cli" for a run saved from `alphaengine backtest`.
    public let requestedBy: String
    public var status: Status
    public let strategy: String
    /// What was asked: the parameters, the candles' source and the settings.
    public let request: JSONObject
    /// The report's settings, data and metrics (not its trades, fills and equity).
    public var summary: JSONObject?
    public var error: String?
    public var finishedAt: Timestamp?

    public init(id: String, createdAt: Timestamp, requestedBy: String, status: Status = .running, strategy: String, request: JSONObject,
                summary: JSONObject? = nil, error: String? = nil, finishedAt: Timestamp? = nil) {
        self.id = id
        self.createdAt = createdAt
        self.requestedBy = requestedBy
        self.status = status
        self.strategy = strategy
        self.request = request
        self.summary = summary
        self.error = error
        self.finishedAt = finishedAt
    }
}

/// `backtest_runs`: one row a run; the full report is kept as the JSON text the backtest wrote,
/// so the API hands it out as it is.
public final class BacktestStore {
    public let database: any SQLConnection

    public init(database: any SQLConnection) { self.database = database }

    private static let columns = "id, created_at, requested_by, status, strategy, request_json, summary_json, error, finished_at"

    public func start(_ run: BacktestRun) throws -> Bool {
        try database.write {
            try database.run("""
                INSERT INTO backtest_runs (id, created_at, requested_by, status, strategy, request_json) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """, [.text(run.id), .integer(run.createdAt.millisecondsSinceEpoch), .text(run.requestedBy), .text(run.status.rawValue),
                          .text(run.strategy), .text(run.request.serialized)]) == 1
        }
    }

    public func finish(id: String, summary: JSONObject, report: String, now: Timestamp) throws {
        _ = try database.write {
            try database.run("""
                UPDATE backtest_runs SET status = 'DONE', summary_json = ?, report_json = ?, finished_at = ? WHERE id = ? AND status = 'RUNNING'
                """, [.text(summary.serialized), .text(report), .integer(now.millisecondsSinceEpoch), .text(id)])
        }
    }

    public func fail(id: String, error: String, now: Timestamp) throws {
        _ = try database.write {
            try database.run("UPDATE backtest_runs SET status = 'FAILED', error = ?, finished_at = ? WHERE id = ? AND status = 'RUNNING'", [.text(error), .integer(now.millisecondsSinceEpoch), .text(id)])
        }
    }

    public func failRunning(reason: String, now: Timestamp) throws -> Int {
        try database.write {
            try database.run("UPDATE backtest_runs SET status = 'FAILED', error = ?, finished_at = ? WHERE status = 'RUNNING'", [.text(reason), .integer(now.millisecondsSinceEpoch)])
        }
    }

    public func runs(before: String?, limit: Int) throws -> [BacktestRun] {
        if let before {
            guard let cursor = try run(id: before) else { return [] }
            return try database.rows("""
                SELECT \(Self.columns) FROM backtest_runs WHERE (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?
                """, [.integer(cursor.createdAt.millisecondsSinceEpoch), .text(cursor.id), .integer(Int64(limit))], Self.read)
        }
        return try database.rows("SELECT \(Self.columns) FROM backtest_runs ORDER BY created_at DESC, id DESC LIMIT ?", [.integer(Int64(limit))], Self.read)
    }

    public func run(id: String) throws -> BacktestRun? {
        try database.firstRow("SELECT \(Self.columns) FROM backtest_runs WHERE id = ?", [.text(id)], Self.read)
    }

    public func report(id: String) throws -> String? {
        try database.firstRow("SELECT report_json FROM backtest_runs WHERE id = ? AND status = 'DONE'", [.text(id)]) { $0.text(0) }
    }

    private static func read(_ row: any SQLRow) -> BacktestRun {
        BacktestRun(id: row.text(0), createdAt: Timestamp(millisecondsSinceEpoch: row.int64(1)), requestedBy: row.text(2),
                    status: BacktestRun.Status(rawValue: row.text(3)) ?? .failed, strategy: row.text(4),
                    request: (try? JSONParser.parseObject(row.text(5))) ?? [:],
                    summary: row.optionalText(6).flatMap { try? JSONParser.parseObject($0) }, error: row.optionalText(7),
                    finishedAt: row.optionalInt64(8).map { Timestamp(millisecondsSinceEpoch: $0) })
    }
}
