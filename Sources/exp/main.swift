import ArgumentParser

/// `exp`: runs and checks experiment scripts. The logic lives in the Language module
/// (`ScriptRunner`); this target only parses the command line.
struct Exp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exp",
        abstract: "Run small experiment scripts about how transformers learn.",
        version: "0.1.0",
        subcommands: [Run.self, Check.self, Repl.self, Bench.self],
        defaultSubcommand: Repl.self)
}

Exp.main()
