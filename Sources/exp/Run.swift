import ArgumentParser
import Foundation
import Language

/// `exp run FILE [--set name=value]... [--out DIR] [--quiet] [--plots files|terminal]`
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a script.")

    @Argument(help: "The .exp script to run.")
    var file: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a top-level let or the seed (name=value).", valueName: "name=value"))
    var overrides: [String] = []

    @Option(name: .customLong("out"), help: ArgumentHelp("The run directory for outputs (default runs/<script>/<time>/).", valueName: "DIR"))
    var outputDirectory: String?

    @Flag(help: "Print less progress output.")
    var quiet = false

    @Option(help: ArgumentHelp("Where plots go: files (SVG in the run directory) or terminal (also drawn here).", valueName: "mode"))
    var plots: String = "files"

    @Option(help: ArgumentHelp("Sweep runs in parallel processes (default: the number of cores).", valueName: "N"))
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .customLong("sweep-child"), help: .hidden)
    var sweepChild: String?

    func run() throws {
        var options = Interpreter.Options()
        for text in overrides {
            do {
                let (name, value) = try ScriptRunner.parseOverride(text)
                options.overrides[name] = value
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(64)
            }
        }
        guard let mode = ExperimentRuntime.PlotMode(rawValue: plots) else {
            FileHandle.standardError.write(Data("error: --plots is files or terminal, not \(plots)\n".utf8))
            throw ExitCode(64)
        }
        var config = ExperimentRuntime.Config(scriptPath: file, scriptText: try? String(contentsOfFile: file, encoding: .utf8),
                                              outDirectory: outputDirectory)
        config.quiet = quiet
        config.plots = mode
        config.jobs = max(1, jobs)
        if let sweepChild {
            guard let child = SweepChild(sweepChild) else { throw ExitCode(64) }
            config.sweepChild = child
        }
        config.overrides = Dictionary(overrides.compactMap { o in o.firstIndex(of: "=").map { (String(o[..<$0]), String(o[o.index(after: $0)...])) } },
                                      uniquingKeysWith: { _, b in b })
        var runner = ScriptRunner(options: options)
        runner.color = DiagnosticRenderer.standardErrorIsTerminal
        runner.makeExperiments = { ExperimentRuntime(config) }
        let code = runner.run(path: file)
        if code != .ok { throw ExitCode(code.rawValue) }
    }
}
