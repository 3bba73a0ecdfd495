import Experiments
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

    @Flag(help: "Before the verdict line, list every passing check with its values.")
    var verbose = false

    @Flag(help: "With --out: replace an earlier run in that directory instead of refusing.")
    var force = false

    @Flag(help: "Write transcript.md in the run directory: each statement with what it printed, its checks and its figures.")
    var transcript = false

    @Option(help: ArgumentHelp("Where plots go: files (SVG in the run directory) or terminal (also drawn here).", valueName: "mode"))
    var plots: String = "files"

    @Option(help: ArgumentHelp("A sweep's runs in this many processes at once; the results are the same for any N (default: the number of cores).", valueName: "N"))
    var jobs: Int?

    @OptionGroup var safety: SafetyOptions

    @OptionGroup(title: "Sweeps on a cluster") var cluster: ClusterOptions

    @Option(name: .customLong("sweep-child"), help: .hidden)
    var sweepChild: String?

    /// A sweep child reads the parent's copy of the script, named as the original file.
    @Option(name: .customLong("source"), help: .hidden)
    var sourceSnapshot: String?

    func run() throws { try execute(collecting: false) }

    /// Runs the script. `collecting` is `exp collect`: the run directory (`--out`) already holds
    /// this run; its sweeps run nothing and aggregate what their combinations left.
    func execute(collecting: Bool) throws {
        let fileAccess = try safety.apply()
        let options = try ScriptOptions.interpreterOptions(overrides: overrides)
        let mode = try ScriptOptions.plotMode(plots)
        // The script is read once: what runs, what the run directory keeps and what sweep children
        // run are the same text, however the file changes during the run.
        guard let bytes = FileManager.default.contents(atPath: sourceSnapshot ?? file) else {
            FileHandle.standardError.write(Data("error: cannot read \(sourceSnapshot ?? file): no such file\n".utf8))
            throw ExitCode(Language.ExitCode.missingInput.rawValue)
        }
        let source = SourceFile(name: file, bytes: Array(bytes))
        let command = RunCommand(script: file, workingDirectory: FileManager.default.currentDirectoryPath, arguments: recordedArguments)
        var reuses = collecting
        if sweepChild == nil && !collecting {
            try cluster.validate(jobs: jobs, hasSweep: Self.hasSweep(source), file: file)
            if let outputDirectory {
                if cluster.onSlurm {
                    reuses = try Self.claimForResume(outputDirectory, text: source.text, command: command, force: force)
                } else {
                    try Self.claim(outputDirectory, force: force)
                }
            }
        }
        var config = ExperimentRuntime.Config(scriptPath: file, scriptText: source.text, outDirectory: outputDirectory)
        if sweepChild == nil { config.command = command }
        config.reusesRunDirectory = reuses
        config.collectsSweeps = collecting
        config.quiet = quiet
        config.verbose = verbose
        config.plots = mode
        config.fileAccess = fileAccess
        if let sweepChild {
            guard let child = SweepChild(argument: sweepChild) else {
                FileHandle.standardError.write(Data("error: --sweep-child expects LINE:COL:INDEX:DIR\n".utf8))
                throw ExitCode(Language.ExitCode.usage.rawValue)
            }
            SweepChildGuard.install()
            config.sweepChild = child
        } else if let jobs, jobs < 1 {
            FileHandle.standardError.write(Data("error: --jobs must be at least 1, got \(jobs)\n".utf8))
            throw ExitCode(Language.ExitCode.usage.rawValue)
        } else if cluster.onSlurm {
            config.sweepExecutor = SlurmExecutor(options: cluster.executorOptions, scriptPath: file, overrides: overrides,
                                                 fileAccess: config.fileAccess, memoryLimit: cluster.taskMemoryLimit(maxMemory: safety.maxMemory))
        } else if (jobs ?? ProcessInfo.processInfo.activeProcessorCount) > 1 {
            config.sweepExecutor = SweepProcessExecutor(jobs: jobs ?? ProcessInfo.processInfo.activeProcessorCount, scriptPath: file,
                                                        overrides: overrides, fileAccess: config.fileAccess)
        }
        config.overrides = Dictionary(overrides.compactMap { o in o.firstIndex(of: "=").map { (String(o[..<$0]), String(o[o.index(after: $0)...])) } },
                                      uniquingKeysWith: { _, b in b })
        var runner = ScriptRunner(options: options)
        runner.color = DiagnosticRenderer.standardErrorIsTerminal
        runner.transcript = transcript && sweepChild == nil
        let made = MadeRuntime()
        runner.makeExperiments = { let r = ExperimentRuntime(config); made.runtime = r; return r }
        // Ctrl-C, SIGTERM and SIGHUP stop the run between steps and statements, and it still
        // writes its summary and report (exit 130, 143, 129).
        let code = Interrupt.catching([SIGINT, SIGTERM, SIGHUP]) { runner.run(source) }
        // A collect that aggregated fewer runs than a sweep has says so in its exit code, unless
        // the script failed on its own.
        if collecting, let incomplete = made.runtime?.incompleteSweeps, !incomplete.isEmpty, code == .ok || code == .expectFailed {
            FileHandle.standardError.write(Data("incomplete: \(incomplete.joined(separator: "; ")); the aggregate is over the runs that finished\n".utf8))
            throw ExitCode(Language.ExitCode.incomplete.rawValue)
        }
        if code != .ok { throw ExitCode(code.rawValue) }
    }

    /// The runtime a run made, read after it ended.
    private final class MadeRuntime: @unchecked Sendable { var runtime: ExperimentRuntime? }

    /// The options kept in command.json: what `exp collect` and a second submission need to
    /// run the script as this run did.
    var recordedArguments: [String] {
        var args = overrides.flatMap { ["--set", $0] } + safety.allowRead.flatMap { ["--allow-read", $0] }
            + safety.allowWrite.flatMap { ["--allow-write", $0] }
        if let m = safety.maxMemory { args += ["--max-memory", m] }
        if plots != "files" { args += ["--plots", plots] }
        return args
    }

    /// True when the script has a sweep statement anywhere (what `--on slurm` needs).
    static func hasSweep(_ source: SourceFile) -> Bool {
        Lexer.tokenize(source).tokens.contains { $0.kind == .keyword(.sweep) }
    }

    /// `--on slurm --out DIR`: a DIR that holds a run of this same script text and options is
    /// continued (only unfinished combinations are submitted; true); a DIR with another run is
    /// refused unless `--force` replaces it; a new DIR is a new run (false).
    static func claimForResume(_ dir: String, text: String, command: RunCommand, force: Bool) throws -> Bool {
        let url = URL(fileURLWithPath: dir)
        guard FileManager.default.fileExists(atPath: url.appendingPathComponent("settings.json").path), !force else {
            try claim(dir, force: force)
            return false
        }
        // A run directory whose files cannot be read is not the same run; the message says how to go on.
        let earlierText = (try? String(contentsOf: url.appendingPathComponent("script.exp"), encoding: .utf8))
        let earlier = try? RunCommand.read(from: url)  // damaged or missing: "unknown" options, refused below
        var differs: String?
        if earlierText != text { differs = "the script's text is not the same" }
        else if earlier?.arguments != command.arguments { differs = "it was started with other options (\(earlier.map { $0.arguments.isEmpty ? "none" : $0.arguments.joined(separator: " ") } ?? "unknown"))" }
        else if earlier?.script != command.script { differs = "it ran \(earlier?.script ?? "another script")" }
        if let differs {
            FileHandle.standardError.write(Data("error: --out \(dir) holds another run: \(differs); choose another directory, or add --force to replace it\n".utf8))
            throw ExitCode(Language.ExitCode.usage.rawValue)
        }
        return true
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
