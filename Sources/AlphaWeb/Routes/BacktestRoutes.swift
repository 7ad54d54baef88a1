import AlphaCore
import AlphaHTTP
import AlphaJSON
import AlphaStore

/// Backtests (issue 16): the runs the bot carried out (`RunBacktest`, posted like any command) or
/// the CLI saved, newest first, and the full report of one, as the backtest wrote it.
extension WebAPI {
    func addBacktestRoutes(to router: inout Router) {
        add(&router, "GET", "/api/backtests", .viewer) { context in
            var query = QueryReader(context.request, accepts: ["before", "limit"])
            let before = query.string("before", maxLength: 64)
            let limit = Int(query.integer("limit", in: 1...200) ?? 50)
            try query.finish()
            if let before, try context.storage.backtests.run(id: before) == nil {
                throw APIFailure.notFound("no backtest with id \(before.prefix(64))")
            }
            let runs = try context.storage.backtests.runs(before: before, limit: limit)
            let next: JSONValue = runs.count == limit ? runs.last.map { .string($0.id) } ?? .null : .null
            return .json(.object(["backtests": .array(runs.map(APIJSON.backtest)), "next": next]))
        }
        add(&router, "GET", "/api/backtests/:id", .viewer) { context in
            try QueryReader(context.request, accepts: []).finish()
            let id = context.request.pathParameters["id"] ?? ""
            guard let run = try context.storage.backtests.run(id: id) else { throw APIFailure.notFound("no backtest with id \(id.prefix(64))") }
            var answer = APIJSON.backtest(run)
            // The report as stored: the backtest's own JSON, parsed once to sit inside the answer.
            if case .object(var fields) = answer, let text = try context.storage.backtests.report(id: id) {
                fields["report"] = (try? JSONParser.parse(text)) ?? .null
                answer = .object(fields)
            }
            return .json(answer)
        }
    }
}

extension APIJSON {
    static func backtest(_ run: BacktestRun) -> JSONValue {
        .object([
            "id": .string(run.id), "status": .string(run.status.rawValue), "strategy": .string(run.strategy),
            "requestedBy": .string(run.requestedBy), "createdAt": .string(run.createdAt.iso8601),
            "finishedAt": .optional(run.finishedAt?.iso8601), "request": .object(run.request),
            "summary": run.summary.map { .object($0) } ?? .null, "error": .optional(run.error),
        ])
    }
}
