import Language
import Foundation
import Lab
import Tensors

/// `sweep a in xs, b in ys { body }`: runs the body once per combination (the last variable
/// varies fastest), each run from a fresh seed, then binds every series the runs logged to its
/// mean over runs (with `.std`, `.runs`, and a band when plotted).
///
/// Each run is independent: the generator is reseeded (with the `seed` sweep variable when
/// there is one, else the script's seed plus the run index; afterwards the generator is back where
/// it was before the sweep), declarations inside the body are
/// made anew, and the body cannot assign names outside it (the resolver says so). Declare the
/// model inside the body so each run starts untrained.
///
/// Every combination has its own directory, `<run>/sweep-<line>/<k>_<label>/`: figures and
/// saves of the body go there, and so does its `result.json` (logs, prints, checks, error). Whether the runs happen here (`--jobs 1`, the REPL) or elsewhere (a
/// `SweepExecutor`), one collect step reads those results in combination order and replays their
/// prints, checks and errors, so the output, the exit code and the numbers after the sweep are
/// the same for any `--jobs`.
struct SweepRun {
    let context: ExperimentContext
    let runtime: ExperimentRuntime

    init(_ context: ExperimentContext, runtime: ExperimentRuntime) {
        self.context = context
        self.runtime = runtime
    }

    struct Plan {
        let bindings: [SweepBinding]
        let axes: [[Value]]
        let seedAxis: Int?
        let baseSeed: UInt64
        var total: Int { axes.reduce(1) { $0 * $1.count } }

        /// The values of combination `k` (the last variable varies fastest).
        func values(_ k: Int) -> [Value] {
            var rest = k
            var values = [Value](repeating: .none, count: axes.count)
            for i in stride(from: axes.count - 1, through: 0, by: -1) {
                values[i] = axes[i][rest % axes[i].count]
                rest /= axes[i].count
            }
            return values
        }

        /// `lr = 0.1, seed = 2`, for progress and errors.
        func label(_ k: Int) -> String {
            zip(bindings, values(k)).map { "\($0.name.name) = \(Format.short($1))" }.joined(separator: ", ")
        }

        /// `lr=0.1_seed=2`, for the combination's directory.
        func directoryLabel(_ k: Int) -> String {
            zip(bindings, values(k)).map { "\($0.name.name)=\(Format.short($1))" }.joined(separator: "_")
        }
    }

    func run() throws {
        guard case .sweep(let bindings, _) = context.statement.kind else { throw context.error("internal: not a sweep") }
        let plan = try makePlan(bindings)
        // Code after the sweep draws as if the sweep drew nothing: the same numbers for any
        // `--jobs`, and for any grid of values.
        let generatorBefore = RandomGenerator.current
        defer { RandomGenerator.current = generatorBefore }
        let here = (line: context.span.line, column: context.span.column)
        let child = runtime.config.sweepChild
        if let child, (child.line, child.column) == here {
            // This process is one combination of a sweep run elsewhere: run it, leave its result, stop.
            let directory = URL(fileURLWithPath: child.directory)
            let result = try runHere(child.index, plan, directory: directory)
            try result.write(to: directory)
            // A failed combination also says so in its log and its exit code, as a whole run
            // would: `exp status` and `exp collect` show the log's tail.
            if let failure = result.failure { throw failure.error(in: context.span) }
            throw ScriptEnded(.ok)
        }
        let directories = try (0..<plan.total).map { try combinationDirectory($0, plan) }
        let collect = SweepCollect(context: context, runtime: runtime, plan: plan, directories: directories)
        if runtime.config.collectsSweeps {
            // `exp collect`: the runs happened elsewhere; aggregate what they left.
            try collect.all(partial: true)
        } else if child != nil, runtime.fileDirectory == nil {
            // A child reaches a sweep before its own only after the run that started it has
            // collected that sweep: its results are on disk, so it collects them rather than
            // running every combination again.
            try collect.all(partial: false)
        } else if let executor = runtime.config.sweepExecutor, child == nil, plan.total > 1 || executor.runsSingleCombinations {
            let script = try runtime.directory().file("script.exp")
            guard FileManager.default.fileExists(atPath: script.path) else {
                throw ScriptError(.runtime, "a sweep in parallel processes needs the script's text in the run directory", hint: "run with --jobs 1", span: context.span)
            }
            let work = SweepWork(line: here.line, column: here.column, directories: directories,
                                 labels: (0..<plan.total).map(plan.label), script: script)
            switch try executor.run(work, progress: { if !runtime.quiet { FileHandle.standardError.write(Data(($0 + "\n").utf8)) } }) {
            case .ended: try collect.all(partial: false)
            // The script goes on when the results are collected.
            case .leftRunning: throw ScriptEnded(.ok)
            }
        } else {
            for k in 0..<plan.total {
                if !runtime.quiet {
                    FileHandle.standardError.write(Data("sweep run \(k + 1)/\(plan.total): \(plan.label(k))\n".utf8))
                }
                let checks = runtime.expects.count, failures = context.interpreter.expectFailures.count
                let r = try runHere(k, plan, directory: directories[k])
                try r.write(to: directories[k])
                // Its prints and checks become this run's through the same step as a child's.
                dropLiveEffects(checks: checks, failures: failures)
                try collect.one(k)
            }
            try collect.aggregate()
        }
    }

    /// The most combinations one sweep runs.
    static let runLimit = 10_000

    static func tooMany(_ runs: Double, _ span: SourceSpan) -> ScriptError {
        ScriptError(.limit, "a sweep of \(runs < 1e18 ? String(Int(runs)) : Format.float(runs)) runs is over the limit of \(runLimit)", span: span)
    }

    private func makePlan(_ bindings: [SweepBinding]) throws -> Plan {
        var axes: [[Value]] = []
        for b in bindings {
            let v = try context.evaluate(b.values)
            let items: [Value]
            switch v {
            case .list(let xs): items = xs
            case .range(let r):
                // A range is counted before it is listed: `0..2**62` is refused, not allocated.
                guard r.count <= Self.runLimit else { throw Self.tooMany(Double(r.count), context.span) }
                items = (0..<r.count).map { .int(r.element($0)) }
            case .tensor(let t) where t.rank == 1: items = t.value.toDoubles().map { .float($0) }
            default:
                throw ScriptError(.type, "sweep `\(b.name.name)` needs a list or a range of values, got \(v.typeName)", span: b.values.span)
            }
            guard !items.isEmpty else { throw ScriptError(.value, "sweep `\(b.name.name)` has no values", span: b.values.span) }
            axes.append(items)
        }
        // Counted in Double so that several long axes cannot overflow Int (and trap) before the limit check.
        let runs = axes.reduce(1.0) { $0 * Double($1.count) }
        guard runs <= Double(Self.runLimit) else { throw Self.tooMany(runs, context.span) }
        return Plan(bindings: bindings, axes: axes, seedAxis: bindings.firstIndex { $0.name.name == "seed" },
                    baseSeed: RandomGenerator.current.seed)
    }

    /// `<run>/sweep-<line>/<k>_<label>/`, created (inside the outer combination's directory for
    /// a sweep nested in another).
    private func combinationDirectory(_ k: Int, _ plan: Plan) throws -> URL {
        let width = String(plan.total - 1).count
        let index = String(repeating: "0", count: width - String(k).count) + String(k)
        let name = Self.fileSafe(index + "_" + plan.directoryLabel(k))
        let base: URL
        if let inner = runtime.fileDirectory {
            base = inner.url
        } else if let child = runtime.config.sweepChild {
            // A child's own run directory is its combination's (`<run>/sweep-<line>/<k>_.../`);
            // the sweeps of the script sit in the whole run's.
            base = URL(fileURLWithPath: child.directory).deletingLastPathComponent().deletingLastPathComponent()
        } else {
            base = try runtime.directory().url
        }
        let url = base.appendingPathComponent("sweep-\(context.span.line)").appendingPathComponent(name)
        do {
            try FileIO.createDirectories(url, what: "the sweep run directory")
        } catch let e as RunError {
            throw ScriptError(.io, e.description, span: context.span)
        }
        return url
    }

    /// Letters, digits, `-`, `.`, `=` and `_` kept, anything else `_`, at most 100 characters.
    static func fileSafe(_ s: String) -> String {
        String(String(s.map { $0.isLetter || $0.isNumber || "-.=_".contains($0) ? $0 : "_" }).prefix(100))
    }

    /// Runs combination `k` in this interpreter from its own seed, its files (figures, saves,
    /// its own metrics.csv/metrics.jsonl/metrics.json) going to `directory`. Its prints go only
    /// into the result; the collect step prints them. A signal that stops it leaves no result
    /// (it did not run to its end, so it must run again).
    private func runHere(_ k: Int, _ plan: Plan, directory: URL) throws -> SweepRunResult {
        let values = plan.values(k)
        if let s = plan.seedAxis, let n = Convert.int(values[s]), n >= 0 {
            RandomGenerator.seed(UInt64(n))
        } else {
            RandomGenerator.seed(plan.baseSeed &+ UInt64(k))
        }
        var result = SweepRunResult(index: k)
        // A run starts afresh: metrics an earlier, stopped attempt left would get its rows twice.
        for name in MetricLog.fileNames {
            let url = directory.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            do { try FileManager.default.removeItem(at: url) } catch {
                throw ScriptError(.io, "cannot replace \(url.path) left by an earlier attempt: \(FileIO.reason(error))", span: context.span)
            }
        }
        let interpreter = context.interpreter
        let savedOutput = interpreter.output
        let printed = PrintedLines()
        interpreter.output = { text in printed.lines.append(text) }
        let checksBefore = runtime.expects.count, failuresBefore = interpreter.expectFailures.count
        // Each run has its own metric log, in its directory; the run's own log gets the
        // aggregates afterwards.
        let outerCollector = runtime.sweepCollector, savedMetrics = runtime.swapMetrics(nil)
        let collector = SweepCollector()
        collector.begin()
        runtime.sweepCollector = collector
        let savedDirectory = runtime.swapFileDirectory(RunDirectory(url: directory))
        defer {
            interpreter.output = savedOutput
            runtime.sweepCollector = outerCollector
            _ = runtime.swapMetrics(savedMetrics)
            _ = runtime.swapFileDirectory(savedDirectory)
        }
        do {
            try context.runSweepBody(values)
        } catch let e as ScriptError {
            result.failure = SweepRunResult.Failure(e)
        } catch let e as TensorError {
            result.failure = SweepRunResult.Failure(ScriptError(e))
        } catch let d as Diagnostic {
            result.failure = SweepRunResult.Failure(kind: ScriptError.Kind.runtime.rawValue, message: d.message, hint: d.hint,
                                                    file: d.span?.file.name, start: d.span?.start.offset, end: d.span?.end.offset)
        }
        // What the combination logged is put on disk whether or not it ended well.
        do { try runtime.metrics?.close() } catch {
            if result.failure == nil { result.failure = SweepRunResult.Failure(ScriptError(.io, "the run's metrics files: " + ((error as? RunError)?.description ?? FileIO.reason(error)))) }
        }
        try interpreter.checkInterrupt(context.span)
        result.logs = (collector.runs.last ?? [:]).mapValues { SweepRunResult.Series(steps: $0.steps, values: $0.values) }
        result.printed = printed.lines
        let failures = interpreter.expectFailures[failuresBefore...].map(\.message)
        var f = failures.makeIterator()
        result.checks = runtime.expects[checksBefore...].map {
            SweepRunResult.Check(text: $0.text, passed: $0.passed, details: $0.details, failure: $0.passed ? nil : f.next())
        }
        return result
    }

    /// Forgets the checks a combination run here recorded as it ran: the collect step records
    /// them again from its result, as it does for a run elsewhere.
    private func dropLiveEffects(checks: Int, failures: Int) {
        runtime.dropExpects(from: checks)
        context.interpreter.dropExpectFailures(from: failures)
    }
}

/// A combination's prints, gathered while it runs.
private final class PrintedLines { var lines: [String] = [] }

/// Collects each sweep run's logged series.
final class SweepCollector {
    var runs: [[String: MetricSeries]] = []
    func begin() { runs.append([:]) }
    func collect(_ s: MetricSeries) { if !runs.isEmpty { runs[runs.count - 1][s.name] = s } }
}

extension SweepRunResult.Failure {
    init(_ e: ScriptError) {
        self.init(kind: e.kind.rawValue, message: e.message, hint: e.hint, file: e.span?.file.name,
                  start: e.span?.start.offset, end: e.span?.end.offset)
    }

    /// The error as the run raised it, placed in the script when it came from this file.
    func error(in sweepSpan: SourceSpan) -> ScriptError {
        // The kind comes from a run of this same build; an unknown one still reports its message.
        let kind = ScriptError.Kind(rawValue: kind) ?? .runtime
        var span = sweepSpan
        if file == sweepSpan.file.name, let start, let end, start >= 0, end <= sweepSpan.file.bytes.count {
            span = SourceSpan(file: sweepSpan.file, startOffset: start, endOffset: end)
        }
        return ScriptError(kind, message, hint: hint, span: span)
    }
}

extension ExperimentRuntime {
    /// Replaces the metric log (sweep runs log in memory), returning the previous one.
    func swapMetrics(_ m: MetricLog?) -> MetricLog? {
        let old = metrics
        metrics = m
        return old
    }
}
