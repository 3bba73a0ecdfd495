import ArgumentParser
import Foundation
import Language

/// `exp run FILE [--set name=value]... [--out DIR] [--quiet]`
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a script.")

    @Argument(help: "The .exp script to run.")
    var file: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a top-level let or the seed (name=value).", valueName: "name=value"))
    var overrides: [String] = []

    @Option(name: .customLong("out"), help: ArgumentHelp("The run directory for outputs.", valueName: "DIR"))
    var outputDirectory: String?

    @Flag(help: "Print less progress output.")
    var quiet = false

    func run() throws {
        var options = Interpreter.Options(outputDirectory: outputDirectory, quiet: quiet)
        for text in overrides {
            do {
                let (name, value) = try ScriptRunner.parseOverride(text)
                options.overrides[name] = value
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(64)
            }
        }
        var runner = ScriptRunner(options: options)
        runner.color = DiagnosticRenderer.standardErrorIsTerminal
        let code = runner.run(path: file)
        if code != .ok { throw ExitCode(code.rawValue) }
    }
}
