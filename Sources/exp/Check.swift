import Experiments
import ArgumentParser
import Language

/// `exp check FILE`: parse and resolve names without running.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a script for syntax and name errors without running it.")

    @Argument(help: "The .exp script to check.")
    var file: String

    @Option(name: .customLong("allow-read"), help: ArgumentHelp("Also let imports read files in DIR (repeatable), as with exp run.", valueName: "DIR"))
    var allowRead: [String] = []

    func run() throws {
        var runner = ScriptRunner()
        runner.color = DiagnosticRenderer.standardErrorIsTerminal
        // The same experiments layer as `exp run`, so check knows the names it adds (`evaluate`
        // in a train block); nothing runs, so it never creates a run directory.
        var config = ExperimentRuntime.Config(scriptPath: file)
        config.fileAccess = FileAccess(allowRead: allowRead)
        runner.makeExperiments = { ExperimentRuntime(config) }
        let code = runner.check(path: file)
        if code != .ok { throw ExitCode(code.rawValue) }
    }
}
