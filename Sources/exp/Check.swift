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
        let code = runner.check(path: file)
        if code != .ok { throw ExitCode(code.rawValue) }
    }
}
