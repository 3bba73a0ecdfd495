import ArgumentParser
import Language
import REPL

/// `exp` / `exp repl`: the interactive session (Sources/REPL).
struct Repl: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start an interactive session (the default when no subcommand is given).")

    @Option(name: .customLong("out"), help: ArgumentHelp("The run directory for metrics and figures.", valueName: "DIR"))
    var outputDirectory: String?

    @Flag(help: "Print less progress output.")
    var quiet = false

    @Option(name: .customLong("allow-read"), help: ArgumentHelp("Also let the script read files in DIR (repeatable; it may always read its own folder and its run directory).", valueName: "DIR"))
    var allowRead: [String] = []

    @Option(name: .customLong("allow-write"), help: ArgumentHelp("Also let the script write files in DIR (repeatable; it may always write its run directory).", valueName: "DIR"))
    var allowWrite: [String] = []

    @Option(name: .customLong("max-memory"), help: MemoryOption.help)
    var maxMemory: String?

    func run() throws {
        try MemoryOption.apply(maxMemory)
        var configuration = REPL.Configuration(outDirectory: outputDirectory, quiet: quiet)
        configuration.historyPath = REPL.defaultHistoryPath()
        configuration.fileAccess = FileAccess(allowRead: allowRead, allowWrite: allowWrite)
        let status = REPL.run(configuration)
        if status != 0 { throw ExitCode(status) }
    }
}
