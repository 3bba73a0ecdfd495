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
        if let child = runtime.config.sweepChild, (child.line, child.column) == here {
            // This process is one combination of a sweep run elsewhere: run it, leave its result, stop.
            let result = try runHere(child.index, plan, directory: URL(fileURLWithPath: child.directory), echo: false)
            try result.write(to: URL(fileURLWithPath: child.directory))
            throw ScriptEnded(.ok)
        }
        let directories = try (0..<plan.total).map { try combinationDirectory($0, plan) }
        var results: [SweepRunResult]
        if let executor = runtime.config.sweepExecutor, plan.total > 1, runtime.config.sweepChild == nil {
            let script = try runtime.directory().file("script.exp")
            guard FileManager.default.fileExists(atPath: script.path) else {
                throw ScriptError(.runtime, "a sweep in parallel processes needs the script's text in the run directory", hint: "run with --jobs 1", span: context.span)
            }
            let work = SweepWork(line: here.line, column: here.column, directories: directories,
                                 labels: (0..<plan.total).map(plan.label), script: script)
            try executor.run(work) { if !runtime.quiet { FileHandle.standardError.write(Data(($0 + "\n").utf8)) } }
            results = []
            for (k, dir) in directories.enumerated() {
                guard let r = try SweepRunResult.read(from: dir) else {
                    throw ScriptError(.runtime, "sweep run \(k + 1) of \(plan.total) (\(plan.label(k))) left no result in \(dir.path)",
                                      hint: "its log is \(dir.appendingPathComponent("run.log").path)", span: context.span)
                }
                results.append(r)
                try replay(r)
            }
        } else {
            results = []
            for k in 0..<plan.total {
                if !runtime.quiet {
                    FileHandle.standardError.write(Data("sweep run \(k + 1)/\(plan.total): \(plan.label(k))\n".utf8))
                }
                let r = try runHere(k, plan, directory: directories[k], echo: true)
                try r.write(to: directories[k])
                results.append(r)
                try replay(r, echoed: true)
            }
        }
        try aggregate(results.map(\.metricSeries), labels: (0..<plan.total).map(plan.label))
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
        let base = try runtime.fileDirectory ?? runtime.directory()
        let url = base.url.appendingPathComponent("sweep-\(context.span.line)").appendingPathComponent(name)
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

    /// Runs combination `k` in this interpreter from its own seed, its files going to
    /// `directory`. Prints go through (`echo`) or only into the result (a child's).
    private func runHere(_ k: Int, _ plan: Plan, directory: URL, echo: Bool) throws -> SweepRunResult {
        let values = plan.values(k)
        if let s = plan.seedAxis, let n = Convert.int(values[s]), n >= 0 {
            RandomGenerator.seed(UInt64(n))
        } else {
            RandomGenerator.seed(plan.baseSeed &+ UInt64(k))
        }
        var result = SweepRunResult(index: k)
        let interpreter = context.interpreter
        let savedOutput = interpreter.output
        let printed = PrintedLines()
        interpreter.output = { text in printed.lines.append(text); if echo { savedOutput(text) } }
        let checksBefore = runtime.expects.count, failuresBefore = interpreter.expectFailures.count
        // Runs log in memory; the run's own metric log gets the aggregates afterwards.
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
        result.logs = (collector.runs.last ?? [:]).mapValues { SweepRunResult.Series(steps: $0.steps, values: $0.values) }
        result.printed = printed.lines
        let failures = interpreter.expectFailures[failuresBefore...].map(\.message)
        var f = failures.makeIterator()
        result.checks = runtime.expects[checksBefore...].map {
            SweepRunResult.Check(text: $0.text, passed: $0.passed, details: $0.details, failure: $0.passed ? nil : f.next())
        }
        return result
    }

    /// Makes a result's prints, checks and error this run's own, as if it had run here.
    private func replay(_ r: SweepRunResult, echoed: Bool = false) throws {
        if !echoed {
            for line in r.printed { context.interpreter.output(line) }
            for c in r.checks {
                runtime.expectEvaluated(ExpectOutcome(text: c.text, passed: c.passed, details: c.details))
                if let message = c.failure { context.interpreter.recordExpectFailure(Diagnostic(.expect, message, at: nil)) }
            }
        }
        if let failure = r.failure { throw failure.error(in: context.span) }
    }

    /// Binds every name the runs logged to its mean over runs, and records mean and std.
    private func aggregate(_ runs: [[String: MetricSeries]], labels: [String]) throws {
        // Aggregate every name any run logged, in first-seen order.
        var names: [String] = []
        for r in runs { for n in r.keys.sorted() where !names.contains(n) { names.append(n) } }
        let main = runs.isEmpty ? nil : try runtime.metricLog()
        for n in names {
            let logged = runs.indices.filter { runs[$0][n] != nil }
            let agg = AggregatedSeries(name: n, runs: logged.map { runs[$0][n]! })
            context.setLog(n, .object(SeriesObject(aggregate: agg, runLabels: logged.map { labels[$0] })))
            if let main {
                main.reset(n)
                main.reset(n + "_std")
                for (s, (m, sd)) in zip(agg.steps, zip(agg.mean, agg.std)) {
                    try main.record(n, step: s, value: m)
                    try main.record(n + "_std", step: s, value: sd)
                }
            }
        }
        try main?.flush()
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
