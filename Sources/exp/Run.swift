import ArgumentParser
import Foundation
import Lab
import Language
import Tensors

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

    @Flag(help: "With --out: replace an earlier run in that directory instead of refusing.")
    var force = false

    @Flag(help: "Write transcript.md in the run directory: each statement with what it printed, its checks and its figures.")
    var transcript = false

    @Option(help: ArgumentHelp("Where plots go: files (SVG in the run directory) or terminal (also drawn here).", valueName: "mode"))
    var plots: String = "files"

    @Option(help: ArgumentHelp("A sweep's runs in this many processes at once; the results are the same for any N (default: the number of cores).", valueName: "N"))
    var jobs: Int?

    @OptionGroup var safety: SafetyOptions

    @Option(name: .customLong("sweep-child"), help: .hidden)
    var sweepChild: String?

    /// A sweep child reads the parent's copy of the script, named as the original file.
    @Option(name: .customLong("source"), help: .hidden)
    var sourceSnapshot: String?

    func run() throws {
        let fileAccess = try safety.apply()
        var options = Interpreter.Options()
        options.endsOnInterrupt = true
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
        // The script is read once: what runs, what the run directory keeps and what sweep children
        // run are the same text, however the file changes during the run.
        guard let bytes = FileManager.default.contents(atPath: sourceSnapshot ?? file) else {
            FileHandle.standardError.write(Data("error: cannot read \(sourceSnapshot ?? file): no such file\n".utf8))
            throw ExitCode(Language.ExitCode.missingInput.rawValue)
        }
        let source = SourceFile(name: file, bytes: Array(bytes))
        if let outputDirectory, sweepChild == nil { try Self.claim(outputDirectory, force: force) }
        var config = ExperimentRuntime.Config(scriptPath: file, scriptText: source.text, outDirectory: outputDirectory)
        config.quiet = quiet
        config.plots = mode
        config.fileAccess = fileAccess
        if let sweepChild {
            guard let child = SweepChild(sweepChild) else {
                FileHandle.standardError.write(Data("error: --sweep-child expects LINE:COL:INDEX:DIR\n".utf8))
                throw ExitCode(Language.ExitCode.usage.rawValue)
            }
            SweepChildGuard.install()
            config.sweepChild = child
        } else if let jobs, jobs < 1 {
            FileHandle.standardError.write(Data("error: --jobs must be at least 1, got \(jobs)\n".utf8))
            throw ExitCode(Language.ExitCode.usage.rawValue)
        } else if (jobs ?? ProcessInfo.processInfo.activeProcessorCount) > 1 {
            config.sweepExecutor = SweepProcessExecutor(jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, scriptPath: file,
                                                        overrides: overrides, fileAccess: config.fileAccess)
        }
        config.overrides = Dictionary(overrides.compactMap { o in o.firstIndex(of: "=").map { (String(o[..<$0]), String(o[o.index(after: $0)...])) } },
                                      uniquingKeysWith: { _, b in b })
        var runner = ScriptRunner(options: options)
        runner.color = DiagnosticRenderer.standardErrorIsTerminal
        runner.transcript = transcript && sweepChild == nil
        runner.makeExperiments = { ExperimentRuntime(config) }
        // Ctrl-C, SIGTERM and SIGHUP stop the run between steps and statements, and it still
        // writes its summary and report (exit 130, 143, 129).
        let code = Interrupt.catching([SIGINT, SIGTERM, SIGHUP]) { runner.run(source) }
        if code != .ok { throw ExitCode(code.rawValue) }
    }

    /// `--out DIR` that holds an earlier run (its settings.json) is refused, so two runs' files
    /// never mix; `--force` removes the earlier run first.
    /// The folder is made at once, so an `--out` that cannot be one (a path under a regular
    /// file, a read-only place) is a usage error before anything runs.
    static func claim(_ dir: String, force: Bool) throws {
        let marker = URL(fileURLWithPath: dir).appendingPathComponent("settings.json").path
        guard FileManager.default.fileExists(atPath: marker) else {
            do { try FileIO.createDirectories(URL(fileURLWithPath: dir), what: "the run directory") } catch {
                FileHandle.standardError.write(Data("error: --out \(dir): \(FileIO.reason(error))\n".utf8))
                throw ExitCode(Language.ExitCode.usage.rawValue)
            }
            return
        }
        guard force else {
            FileHandle.standardError.write(Data("error: --out \(dir) holds an earlier run (its settings.json); choose another directory, or add --force to replace it\n".utf8))
            throw ExitCode(Language.ExitCode.usage.rawValue)
        }
        do {
            try FileManager.default.removeItem(atPath: dir)
        } catch {
            FileHandle.standardError.write(Data("error: --force: cannot remove the earlier run in \(dir): \(FileIO.reason(error))\n".utf8))
            throw ExitCode(Language.ExitCode.usage.rawValue)
        }
    }
}
