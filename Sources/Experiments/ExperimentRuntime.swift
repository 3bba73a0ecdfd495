import Language
import Foundation
import Lab
import Plot
import Tensors

/// The experiments layer: gives `train`, `plot`/`heatmap`/`scatter`, `sweep`, `save` and `load`
/// their meaning, and owns the run directory with its metrics, figures and report.
///
/// The run directory is created on first need (a train, a plot, a save) or at once with
/// `--out`, so scripts that only print leave nothing behind.
public final class ExperimentRuntime: ExperimentStatements {
    /// How plots are shown.
    public enum PlotMode: String, Sendable {
        /// SVG files in the run directory (the default for `exp run`).
        case files
        /// Unicode charts on stdout as well (the REPL, `exp run --plots terminal`).
        case terminal
    }

    public struct Config {
        /// The script file as given on the command line (nil in the REPL).
        public var scriptPath: String?
        /// The script's text, copied into the run directory.
        public var scriptText: String?
        /// `--out DIR`.
        public var outDirectory: String?
        public var quiet = false
        /// `--verbose`: the verdict line is preceded by every passing check with its values.
        public var verbose = false
        public var plots = PlotMode.files
        /// `--set` overrides as typed, for settings.json.
        public var overrides: [String: String] = [:]
        /// Where terminal charts are written.
        public var terminalOutput: (String) -> Void = { Swift.print($0, terminator: "") }
        /// Runs a sweep's combinations elsewhere (processes, a cluster); nil runs them here.
        public var sweepExecutor: SweepExecutor?
        /// Set in a sweep's child process: run only this combination of the sweep at this place.
        public var sweepChild: SweepChild?
        /// Folders outside the run directory and the script's folder that the script may read
        /// or write (`--allow-read`, `--allow-write`).
        public var fileAccess = FileAccess()
        /// How the run was started, written as `command.json` with the run directory (nil: not
        /// written, as in a sweep's child, whose directory is one combination's).
        public var command: RunCommand?
        /// The run directory already holds this run (`exp collect`, a second submission into
        /// the same `--out`): its script.exp, settings.json and command.json stay as the first
        /// run wrote them, and its own metrics files are written anew by this run.
        public var reusesRunDirectory = false
        /// `exp collect`: a sweep runs nothing; it aggregates the combinations that finished
        /// and says which are missing or failed (`incompleteSweeps`).
        public var collectsSweeps = false
        /// Called at the end of a training step after Ctrl-C (the REPL's pause); nil stops the
        /// training there instead (`exp run`).
        public var pauseTraining: ((TrainingPause) -> TrainingPause.Decision)?

        public init(scriptPath: String? = nil, scriptText: String? = nil, outDirectory: String? = nil) {
            self.scriptPath = scriptPath
            self.scriptText = scriptText
            self.outDirectory = outDirectory
        }
    }

    public let config: Config
    public private(set) var runDirectory: RunDirectory?
    public internal(set) var metrics: MetricLog?
    /// Figures written so far: file name (relative to the run directory) and SVG text.
    public internal(set) var figures: [(name: String, svg: String)] = []
    /// The palette entry each curve label was drawn with, so a series keeps its colour from one
    /// figure to the next (see `PlotStatement.assignColors`).
    var seriesColors: [String: Int] = [:]
    var trainReports: [TrainReport] = []
    /// What settings.json holds besides the lets (made with the run directory).
    private var settings: RunSettings?
    /// The interpreter running the script (weak: it owns this runtime).
    private weak var interpreter: Interpreter?
    /// Each line the script printed, for the report (the first `printedLimit`).
    public private(set) var printedLines: [String] = []
    /// Lines printed beyond `printedLimit` (counted, not kept).
    public private(set) var printedDropped = 0
    static let printedLimit = 5000
    /// Each figure's title (file name -> title) for the report's captions.
    var figureTitles: [String: String] = [:]
    /// Every `expect` evaluated so far.
    public private(set) var expects: [ExpectOutcome] = []
    /// Set during a sweep's runs: each run's logs are collected here instead of bound.
    var sweepCollector: SweepCollector?
    /// Set during a sweep's runs: the combination's directory, where its figures and saves go.
    var fileDirectory: RunDirectory?
    /// With `collectsSweeps`: one line per sweep that was aggregated over fewer runs than it
    /// has (`sweep at line 10: 4 of 6 runs`), for the command's exit code.
    public internal(set) var incompleteSweeps: [String] = []

    public init(_ config: Config = Config()) {
        self.config = config
    }

    var quiet: Bool { config.quiet }

    public var trainScopeNames: [String] { defaultTrainScopeNames + ["evaluate", "time"] }

    public var builtins: [Builtin] { ExperimentBuiltins.table }

    public var plotNameTables: [String: (what: String, names: [String])] {
        [
            "styles": ("line style", PlotStatement.dashNames.map(\.0)),
            "markers": ("marker", PlotStatement.markerNames.map(\.0)),
            "colors": ("colour", Palette.named.map(\.name)),
            "legend": ("position", PlotStatement.legendNames.map(\.0)),
        ]
    }

    // MARK: - Run directory

    /// The run directory, created with the script and settings on first use.
    public func directory() throws -> RunDirectory {
        if let runDirectory { return runDirectory }
        let name = config.scriptPath.map { URL(fileURLWithPath: $0).lastPathComponent } ?? "repl.exp"
        let dir: RunDirectory
        do {
            dir = try RunDirectory.create(scriptName: name, out: config.outDirectory)
        } catch let e as RunError {
            throw ScriptError(.io, e.description)
        }
        runDirectory = dir
        if config.reusesRunDirectory {
            try removeOwnMetrics(dir)
            if !quiet { FileHandle.standardError.write(Data("run directory: \(dir.url.path) (continued)\n".utf8)) }
            return dir
        }
        if let text = config.scriptText { try dir.write(text, to: "script.exp") }
        try config.command?.write(to: dir.url)
        // The REPL's folder is the working directory (as for reads).
        settings = RunSettings(config: config, folder: scriptFolder ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        try writeSettings()
        if !quiet { FileHandle.standardError.write(Data("run directory: \(dir.url.path)\n".utf8)) }
        return dir
    }

    /// Writes settings.json with the top-level lets as they are now (`RunSettings`).
    func writeSettings() throws {
        guard let dir = runDirectory, let settings else { return }
        let interpreter = self.interpreter
        // A runtime no interpreter was attached to (a test driving it directly) has no lets.
        try dir.writeSettings(settings.json(lets: interpreter?.topLevelLets ?? []) { interpreter?.global($0) })
    }

    /// A run that continues in its directory logs its own series again from the start: the
    /// earlier files would otherwise get the same rows twice (the combinations' are kept).
    private func removeOwnMetrics(_ dir: RunDirectory) throws {
        // The TensorBoard file is named by its start time: an earlier attempt's would show
        // every series twice beside this run's.
        let listing: [String]
        do { listing = try FileManager.default.contentsOfDirectory(atPath: dir.url.path) } catch {
            throw ScriptError(.io, "cannot read \(dir.url.path): \(FileIO.reason(error))")
        }
        for name in MetricLog.fileNames + listing.filter({ $0.hasPrefix("events.out.tfevents.") }) {
            let url = dir.file(name)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            do { try FileManager.default.removeItem(at: url) } catch {
                throw ScriptError(.io, "cannot replace \(url.path): \(FileIO.reason(error))")
            }
        }
    }

    /// The metric log (creates the run directory). While a sweep combination runs, its own log,
    /// in its directory (a sweep keeps every run's metrics). A sweep's child process logs
    /// its code outside the sweep in memory only: the run that started it writes those files.
    func metricLog() throws -> MetricLog {
        if let metrics { return metrics }
        let m: MetricLog
        if sweepCollector != nil {
            m = MetricLog(directory: fileDirectory?.url)
        } else {
            m = MetricLog(directory: config.sweepChild == nil ? try directory().url : nil)
        }
        metrics = m
        return m
    }

    // MARK: - Statements

    public func train(_ statement: Stmt, _ context: ExperimentContext) throws {
        try locatingFileErrors(statement) {
            let run = try TrainRun(context, runtime: self)
            try run.run()
        }
    }

    public func plot(_ statement: Stmt, _ context: ExperimentContext) throws {
        try locatingFileErrors(statement) { try PlotStatement(context, runtime: self).run() }
    }

    public func sweep(_ statement: Stmt, _ context: ExperimentContext) throws {
        try locatingFileErrors(statement) { try SweepRun(context, runtime: self).run() }
    }

    public func save(_ statement: Stmt, _ context: ExperimentContext) throws {
        try locatingFileErrors(statement) { try SaveLoad.save(context, runtime: self) }
    }

    public func load(_ statement: Stmt, _ context: ExperimentContext) throws {
        try locatingFileErrors(statement) { try SaveLoad.load(context, runtime: self) }
    }

    /// A file error from the run directory or the metrics files (a full disk while training
    /// logs, a run directory that cannot be made) becomes an error at the statement that
    /// needed the file, in the plain words `FileIO` gives it.
    private func locatingFileErrors(_ statement: Stmt, _ body: () throws -> Void) throws {
        do { try body() } catch let e as RunError {
            throw ScriptError(.io, e.description, span: statement.span)
        } catch var e as ScriptError where e.span == nil {
            e.span = statement.span
            throw e
        }
    }

    /// Resolves an output path: relative names go into the run directory (a sweep
    /// combination's own directory while one runs). A path outside the run directory and the
    /// `--allow-write` folders is an error at `span` (`FileAccess`).
    func outputURL(_ name: String, span: SourceSpan? = nil) throws -> URL {
        let url = name.hasPrefix("/") ? URL(fileURLWithPath: name) : try (fileDirectory ?? directory()).file(name)
        return try config.fileAccess.writable(url.path, runDirectories: writableDirectories, span: span)
    }

    /// Resolves a path the script reads (`load`, a builtin that reads a file): allowed from the
    /// script's folder, the run directory and the `--allow-read` folders.
    public func inputURL(_ path: String, span: SourceSpan?) throws -> URL {
        try config.fileAccess.readable(path, scriptFolder: scriptFolder, runDirectories: writableDirectories, span: span)
    }

    /// Writes a file the script asked for (its folders created), atomically: an error names
    /// the path in plain words at `span`, and a file already there stays as it was.
    public func writeFile(_ data: Data, to url: URL, span: SourceSpan?) throws {
        do {
            try FileIO.createParent(of: url)
            try AtomicFile.write(data, to: url)
        } catch let e as RunError {
            throw ScriptError(.io, e.description, span: span)
        }
    }

    /// Reads a file the script asked for (already checked by `inputURL`).
    public func readFile(_ url: URL, span: SourceSpan?) throws -> Data {
        do { return try FileIO.read(url) } catch let e as RunError {
            throw ScriptError(.io, e.description, span: span)
        }
    }

    /// A file the script reads (an import, a builtin's data file), if it may read it.
    public func readAllowedFile(_ path: String, span: SourceSpan?) throws -> Data {
        try readFile(try inputURL(path, span: span), span: span)
    }

    /// A file the script writes (a builtin's output), if it may write there.
    public func writeAllowedFile(_ data: Data, to path: String, span: SourceSpan?) throws {
        try writeFile(data, to: try outputURL(path, span: span), span: span)
    }

    /// The script's folder: reads from it (and below) are allowed. The REPL's is the working
    /// directory.
    var scriptFolder: URL? {
        config.scriptPath.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
    }

    /// The run directory and, while a sweep combination runs, its own directory.
    private var writableDirectories: [URL] {
        [runDirectory?.url, fileDirectory?.url].compactMap { $0 }
    }

    /// Sets where relative output files go (nil: the run directory), returning the previous one.
    func swapFileDirectory(_ d: RunDirectory?) -> RunDirectory? {
        let old = fileDirectory
        fileDirectory = d
        return old
    }

    public func expectEvaluated(_ outcome: ExpectOutcome) { expects.append(outcome) }

    /// Forgets the checks from index `n` on (a sweep combination run here: the collect step
    /// records them again from its result).
    func dropExpects(from n: Int) { if n < expects.count { expects.removeSubrange(n...) } }

    /// The first interpreter made with this runtime is the script's (the REPL's completer
    /// makes a silent second one later, which must not replace it).
    public func attach(_ interpreter: Interpreter) {
        if self.interpreter == nil { self.interpreter = interpreter }
    }

    public func printed(_ line: String) {
        if printedLines.count < Self.printedLimit { printedLines.append(line) } else { printedDropped += 1 }
    }

    /// Writes the final files (metrics flushed, summary, report) when the script ends, however it ended.
    /// The script's exit code is already decided, so a file that cannot be written is a warning
    /// on stderr naming it, not a new error.
    public func finish(exitCode: Int32) {
        func warn(_ what: String, _ error: Error) {
            let reason = (error as? ScriptError)?.message ?? FileIO.reason(error)
            FileHandle.standardError.write(Data("warning: could not write \(what): \(reason)\n".utf8))
        }
        if config.outDirectory != nil {
            do { _ = try directory() } catch { warn("the run directory", error) }
        }
        // The verdict comes last, after the files it points to are written (or could not be).
        defer { printVerdict(exitCode: exitCode) }
        guard let dir = runDirectory else { return }
        do { try writeSettings() } catch { warn("settings.json", error) }
        do { try metrics?.close() } catch { warn("the metrics files", error) }
        var lines = ["exit code \(exitCode)" + (ExitCode.endedBySignal(exitCode) ? " (interrupted)" : "")]
        for r in trainReports {
            lines.append("train: \(r.stepsDone) steps" + (r.medianStepMs.map { String(format: ", %.3f ms/step", $0) } ?? "")
                         + (r.finalLoss.map { ", final loss \($0)" } ?? "") + (r.interrupted ? " (interrupted)" : ""))
        }
        for name in metrics?.names ?? [] {
            if let s = metrics?.scalars[name], let last = s.last { lines.append("\(name): last \(last)") }
        }
        for e in expects { lines.append("expect \(e.passed ? "passed" : "FAILED"): \(e.text)" + (e.details.isEmpty ? "" : " (\(e.details))")) }
        do { try dir.write(lines.joined(separator: "\n") + "\n", to: "summary.txt") } catch { warn("summary.txt", error) }
        do { try ReportPage(runtime: self, expects: expects, exitCode: exitCode).write(to: dir) } catch { warn("report.html", error) }
    }
}

extension ExperimentRuntime {
    /// Whether the run ends with a verdict line on stderr (not under `--quiet`: sweep children
    /// and tests), which then also says that checks failed.
    public var printsVerdict: Bool { !quiet }

    func printVerdict(exitCode: Int32) {
        guard printsVerdict else { return }
        let verdict = RunVerdict(expects: expects, exitCode: exitCode, report: runDirectory?.file("report.html"))
        guard let line = verdict.line else { return }
        var text = config.verbose ? verdict.passedLines.map { $0 + "\n" }.joined() : ""
        text += line + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }
}
