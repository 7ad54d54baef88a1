import ArgumentParser

/// The one executable. Each process of the system is a subcommand (`bot`, `web`, `sim`), and
/// `demo` runs all three together.
@main
struct AlphaEngine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alphaengine",
        abstract: "Trading engine for one Binance USDⓈ-M Futures account.",
        subcommands: [DemoCommand.self, BotCommand.self, WebCommand.self, SimCommand.self, BacktestCommand.self, TuneCommand.self, DatabaseCommand.self, Events.self, ConfigCheck.self, ConfigCommand.self, UserCommand.self, TokenCommand.self,
                      StatusCommand.self, PauseCommand.self, ResumeCommand.self, CancelAllCommand.self, CloseCommand.self]
    )
}
