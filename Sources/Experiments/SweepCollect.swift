import Language
import Foundation
import Lab

/// The one collect step of a sweep: reads each combination's `result.json` from its directory
/// in combination order, makes its prints, checks and error the script's own as if it had run
/// here, and binds every logged series to its mean over the runs. Whether the combinations ran
/// in this process (`--jobs 1`, the REPL), in child processes, on Slurm with `--wait`, or are
/// read back later by `exp collect`, this is what turns them into the script's output, so that
/// output is the same every way.
///
/// Strict (a run, `--wait`): a combination without a result is an error at the sweep, and a
/// combination's error is the script's error, as when it runs here. Partial (`exp collect`):
/// the aggregate is over the combinations that ran to their end; the others are listed on the
/// error stream with the tail of their logs, and the sweep is noted in `incompleteSweeps`.
struct SweepCollect {
    let context: ExperimentContext
    let runtime: ExperimentRuntime
    let plan: SweepRun.Plan
    let directories: [URL]

    /// The results collected so far, by combination.
    private let collected = Collected()

    private final class Collected {
        var results: [Int: SweepRunResult] = [:]
        var left: [SweepCombination] = []
    }

    /// Collects every combination, then aggregates.
    func all(partial: Bool) throws {
        for k in directories.indices { try one(k, partial: partial) }
        if partial { try reportLeft() }
        try aggregate()
    }

    /// Collects combination `k`: replays its prints and checks, and throws its error (strict)
    /// or sets it aside (partial).
    func one(_ k: Int, partial: Bool = false) throws {
        let dir = directories[k]
        if partial {
            let c = SweepCombination.read(dir, index: k)
            guard c.isDone, let r = try SweepRunResult.read(from: dir) else { collected.left.append(c); return }
            collected.results[k] = r
            replay(r)
            return
        }
        guard let r = try SweepRunResult.read(from: dir) else {
            let log = dir.appendingPathComponent(SweepCombination.logFileName)
            let said = FileManager.default.fileExists(atPath: log.path) ? "its log is \(log.path)" : "it has no log"
            throw ScriptError(.runtime, "sweep run \(k + 1) of \(plan.total) (\(plan.label(k))) left no result in \(dir.path)",
                              hint: "\(said); `exp status \(runtime.runDirectory?.url.path ?? "RUNDIR")` says how each run ended",
                              span: context.span)
        }
        collected.results[k] = r
        replay(r)
        if let failure = r.failure { throw failure.error(in: context.span) }
    }

    /// Makes a result's prints and checks this run's own, as if it had run here.
    private func replay(_ r: SweepRunResult) {
        for line in r.printed { context.interpreter.output(line) }
        for c in r.checks {
            runtime.expectEvaluated(ExpectOutcome(text: c.text, passed: c.passed, details: c.details))
            if let message = c.failure { context.interpreter.recordExpectFailure(Diagnostic(.expect, message, at: nil)) }
        }
    }

    /// Partial: says which combinations the aggregate leaves out and why, with their logs'
    /// tails. None finished is an error: there is nothing to aggregate.
    private func reportLeft() throws {
        let left = collected.left
        guard !left.isEmpty else { return }
        let done = plan.total - left.count
        let sweepDir = directories[0].deletingLastPathComponent().path
        let summary = "sweep at line \(context.span.line): \(done) of \(plan.total) runs collected"
        var lines = [summary + "; missing or failed:"]
        for c in left {
            lines.append("  \(c.directory.lastPathComponent): \(c.stateText)")
            let tail = c.logTail()
            if !tail.isEmpty {
                lines.append("    last lines of \(c.logURL.path):")
                lines += tail.map { "    | " + $0 }
            }
        }
        runtime.incompleteSweeps.append(summary)
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        guard done > 0 else {
            throw ScriptError(.runtime, "none of the \(plan.total) runs of this sweep has finished (in \(sweepDir))",
                              hint: "submit it (again) with `exp run FILE --on slurm --out DIR`; `exp status DIR` shows each run's state",
                              span: context.span)
        }
    }

    /// Binds every name the runs logged to its mean over runs, and records mean and std.
    func aggregate() throws {
        let indices = collected.results.keys.sorted()
        let runs = indices.map { collected.results[$0]!.metricSeries }
        let labels = indices.map(plan.label)
        // Aggregate every name any run logged, in first-seen order.
        var names: [String] = []
        for r in runs { for n in r.keys.sorted() where !names.contains(n) { names.append(n) } }
        let main = runs.isEmpty ? nil : try runtime.metricLog()
        for n in names {
            let logged = runs.indices.filter { runs[$0][n] != nil }
            let agg = AggregatedSeries(name: n, runs: logged.map { runs[$0][n]! })
            context.setLog(n, .object(SeriesObject(aggregate: agg, runLabels: logged.map { labels[$0] })))
            // A sweep nested in another's body: its mean is what this run of the outer sweep
            // logged, so the outer aggregate is the same whether its runs ran here or elsewhere.
            runtime.sweepCollector?.collect(MetricSeries(name: n, steps: agg.steps, values: agg.mean))
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
