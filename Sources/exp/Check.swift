import ArgumentParser
import Language

/// `exp check FILE`: parse and resolve names without running.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a script for syntax and name errors without running it.")

    @Argument(help: "The .exp script to check.")
    var file: String

    func run() throws {
        var runner = ScriptRunner()
        runner.color = DiagnosticRenderer.standardErrorIsTerminal
        // The same experiments layer as `exp run`, so check knows the names it adds (`evaluate`
        // in a train block); nothing runs, so it never creates a run directory.
        runner.makeExperiments = { ExperimentRuntime(ExperimentRuntime.Config(scriptPath: file)) }
        let code = runner.check(path: file)
        if code != .ok { throw ExitCode(code.rawValue) }
    }
}
