import ArgumentParser

/// The one executable. Each process of the system is a subcommand; `bot`, `web`, `sim` and `demo`
/// join as their issues land.
@main
struct AlphaEngine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alphaengine",
        abstract: "Trading engine for one Binance USDⓈ-M Futures account.",
        subcommands: [BotCommand.self, WebCommand.self, SimCommand.self, DatabaseCommand.self, Events.self, ConfigCheck.self, UserCommand.self]
    )
}
