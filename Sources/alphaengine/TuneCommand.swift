import AlphaBacktest
import AlphaCore
import AlphaJSON
import AlphaSettings
import AlphaStore
import ArgumentParser
import Foundation

/// `alphaengine tune`: a strategy's parameters searched over a grid (or a seeded random draw
/// from it), walk-forward over consecutive windows of the candles, on every core; prints the
/// walk-forward choices with their out-of-sample scores and every set's score per window.
struct TuneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tune", abstract: "Search a strategy's parameters walk-forward over candles, and print the best sets out of sample.")

    @OptionGroup var source: BacktestCommand.Source
    @Option(help: "The strategy, by its catalog name.") var strategy: String
    @Option(help: "Parameters every set shares, as one JSON object.") var params = "{}"
    @Option(name: .customLong("grid"), help: "One axis of the grid: name=value,value,… (repeat for each parameter).") var axes: [String] = []
    @Option(help: "Draw this many sets from the grid at random (seeded) instead of trying them all.") var random: Int?
    @Option(help: "The random draw's seed.") var seed: UInt64 = 1
    @Option(help: "Consecutive windows the candles are cut into (walk-forward: fit on one, score on the next).") var windows = 4
    @Option(help: "What a set is scored by: sharpe or return.") var score = "sharpe"
    @Option(help: "Write the search as JSON to this file ('-' for standard output).") var json: String?
    @Flag(help: "Record the set fitted on the last window as a proposal (ParametersProposed) in the bot's store (--data-dir, --mode); an admin applies it with UpdateConfig.")
    var propose = false

    func run() throws {
        guard let scoring = ParameterSearch.Score(rawValue: score) else { throw ValidationError("--score must be sharpe or return") }
        guard (2...20).contains(windows) else { throw ValidationError("--windows must be from 2 to 20") }
        let base: JSONObject
        do { base = try JSONParser.parseObject(params) } catch { throw ValidationError("--params must be one JSON object: \(error)") }
        var grid: [(String, [JSONValue])] = []
        for axis in axes {
            let parts = axis.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw ValidationError("--grid \(axis): write name=value,value,…") }
            // Whole numbers stay numbers (periods); anything else is a decimal string (quantities, fractions).
            grid.append((parts[0], parts[1].split(separator: ",").map { text in Int(text).map { .number(String($0)) } ?? .string(String(text)) }))
        }
        guard !grid.isEmpty else { throw ValidationError("give at least one --grid name=value,value,…") }
        var sets = ParameterSearch.grid(grid, base: base)
        if let random { sets = ParameterSearch.random(sets, count: random, seed: seed) }
        let (file, settings) = try source.load()
        guard file.candles.count >= windows * 10 else { throw ValidationError("\(file.candles.count) candles are too few for \(windows) windows") }
        _ = try BacktestEngine(strategy: strategy, parameters: sets[0], settings: settings)  // the name and the shared parameters, checked once
        let started = Date()
        let result = try ParameterSearch(strategy: strategy, base: base, settings: settings, score: scoring).run(file, sets: sets, windows: windows)
        let seconds = Date().timeIntervalSince(started)
        func show(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "–" }
        print("\(strategy): \(sets.count) sets × \(windows) windows = \(sets.count * windows) backtests on \(ProcessInfo.processInfo.activeProcessorCount) cores in "
            + String(format: "%.1f s", seconds) + "; scored by \(scoring.rawValue)")
        print("walk-forward (fit on the window before, scored on this one):")
        for fold in result.folds {
            print("  window \(fold.test + 1): \(fold.chosen.serialized)  in-sample \(show(fold.inSample))  out-of-sample \(show(fold.outOfSample))")
        }
        print("  mean out-of-sample \(show(result.walkForwardScore))")
        print("best sets by their mean score over windows 2…\(windows) (each a window after one it could be fitted on):")
        let ranked = result.candidates.map { candidate -> (Candidate, Double?) in
            let later = candidate.scores.dropFirst().compactMap { $0 }
            return (candidate, later.isEmpty ? nil : later.reduce(0, +) / Double(later.count))
        }.sorted { ($0.1 ?? -.infinity) > ($1.1 ?? -.infinity) }
        for (candidate, mean) in ranked.prefix(5) {
            print("  \(candidate.parameters.serialized)  mean \(show(mean))  per window \(candidate.scores.map(show).joined(separator: " "))")
        }
        if let recommended = result.recommended { print("fitted on the last window (to run next): \(recommended.serialized)") }
        if propose, let recommended = result.recommended {
            try record(recommended, result, sets: sets.count, file: file, score: scoring)
        }
        if let json {
            let object: JSONObject = [
                "strategy": .string(strategy), "score": .string(scoring.rawValue), "walkForwardScore": .string(show(result.walkForwardScore)),
                "recommended": result.recommended.map { .object($0) } ?? .null,
                "folds": .array(result.folds.map { .object(["window": .int(Int64($0.test + 1)), "parameters": .object($0.chosen),
                                                            "inSample": .string(show($0.inSample)), "outOfSample": .string(show($0.outOfSample))]) }),
                "candidates": .array(result.candidates.map { .object(["parameters": .object($0.parameters),
                                                                      "scores": .array($0.scores.map { $0.map { .string(show($0)) } ?? .null })]) }),
            ]
            var writer = JSONWriter(capacity: 16 * 1024)
            writer.write(object)
            if json == "-" { FileHandle.standardOutput.write(Data(writer.bytes + [10])) } else { try BacktestCommand.write(Data(writer.bytes), to: json, flag: "--json") }
        }
    }

    typealias Candidate = ParameterSearch.Candidate

    /// The proposal goes to the bot as a command (the bot is the one writer of events); the bot
    /// checks it can run and records it. Nothing applies it: an admin does, with UpdateConfig.
    func record(_ parameters: JSONObject, _ result: ParameterSearch.Result, sets: Int, file: CandleFile, score: ParameterSearch.Score) throws {
        guard let mode = TradingMode(rawValue: source.mode) else { throw ValidationError("--mode must be production, testnet or sim") }
        let path = databasePath(dataDirectory: source.dataDir, mode: mode)
        guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("--propose: no database at \(path) (give --data-dir and --mode)") }
        let evidence: JSONObject = [
            "score": .string(score.rawValue), "walkForwardOutOfSample": .string(String(format: "%.4f", result.walkForwardScore)),
            "sets": .int(Int64(sets)), "windows": .int(Int64(result.windows.count)),
            "from": .string(Timestamp(millisecondsSinceEpoch: file.candles.first?.openTime ?? 0).iso8601),
            "until": .string(Timestamp(millisecondsSinceEpoch: (file.candles.last?.closeTime ?? 0) + 1).iso8601),
        ]
        let commands = CommandStore(database: try Database.openMigrated(path: path))
        let command = try commands.insert(Command(type: .proposeParameters, actor: Actor(kind: .system, id: "cli:tune"),
                                                  scope: Scope(on: .binanceUSDM, mode: mode),
                                                  payload: ["strategy": .string(strategy), "parameters": .object(parameters), "evidence": .object(evidence)])).command
        // The bot records it within a moment when it runs; if it does not, the command waits for it.
        var settled: Command? = command
        for _ in 0..<50 where settled?.status == .new || settled?.status == .sent {
            Thread.sleep(forTimeInterval: 0.1)
            settled = try commands.command(id: command.id)
        }
        switch settled?.status {
        case .acknowledged?: print("proposed: \(parameters.serialized) (command \(command.id)); apply it with UpdateConfig")
        case .failed?: throw ValidationFailure("the bot refused the proposal: \(settled?.lastError ?? "")", status: 1)
        default: print("queued: \(command.id); the bot records the proposal when it runs")
        }
    }
}
