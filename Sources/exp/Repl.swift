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

    @OptionGroup var safety: SafetyOptions

    func run() throws {
        let fileAccess = try safety.apply()
        var configuration = REPL.Configuration(outDirectory: outputDirectory, quiet: quiet)
        configuration.historyPath = REPL.defaultHistoryPath()
        configuration.fileAccess = fileAccess
        let status = REPL.run(configuration)
        if status != 0 { throw ExitCode(status) }
    }
}
