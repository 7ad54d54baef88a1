import AlphaCore
import AlphaStore
import AlphaSystem
import ArgumentParser
import Foundation

/// `alphaengine events tail`: print events as the bot commits them, until SIGINT or SIGTERM.
struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read the event store.", subcommands: [Tail.self])

    struct Tail: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print stored events as JSON lines, then follow new ones until SIGINT or SIGTERM.")
        @OptionGroup var options: CommonOptions

        @Option(help: "Start after this seq (default: the last 20 events).")
        var after: Int64?

        @Flag(help: "Print what is stored and exit instead of following.")
        var noFollow = false

        func run() throws {
            try reportingFailures {
                let shutdown = try ShutdownSignal()
                let (storage, _) = try options.openStorage()
                let events = storage.events
                var lastSeq = try after ?? max(0, events.lastSeq() - 20)
                // Another connection's commit is noticed at no I/O cost, between polls.
                let feed = storage.changeFeed()
                while true {
                    if try feed.hasChanged() {
                        for event in try events.events(after: lastSeq, limit: 1000) {
                            print(Self.line(for: event))
                            lastSeq = event.seq ?? lastSeq
                        }
                        fflush(nil) // all output streams: each line reaches a pipe at once
                    }
                    if noFollow { return }
                    if let signal = shutdown.wait(milliseconds: 50) {
                        FileHandle.standardError.write(Data("alphaengine: \(signal), stopped after seq \(lastSeq)\n".utf8))
                        return
                    }
                }
            }
        }

        static func line(for event: Event) -> String {
            let object: JSONObject = [
                "seq": .int(event.seq ?? 0), "type": .string(event.type.rawValue), "ts": .string(event.ts.iso8601),
                "source": .string(event.source.rawValue), "entity": .string("\(event.entityKind.rawValue):\(event.entityID)"),
                "dedupKey": .string(event.dedupKey), "payload": .object(event.payload),
            ]
            return object.serialized
        }
    }
}
