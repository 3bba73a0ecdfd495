import Foundation
import Lab
import Tensors

/// Collects each sweep run's logged series.
final class SweepCollector {
    var runs: [[String: MetricSeries]] = []
    func begin() { runs.append([:]) }
    func collect(_ s: MetricSeries) { if !runs.isEmpty { runs[runs.count - 1][s.name] = s } }
}

/// `sweep a in xs, b in ys { body }`: runs the body once per combination (the last variable
/// varies fastest), each run from a fresh seed, then binds every series the runs logged to its
/// mean over runs (with `.std`, `.runs`, and a band when plotted).
///
/// Each run is independent: the generator is reseeded (with the `seed` sweep variable when
/// there is one, else the script's seed plus the run index), and declarations inside the body
/// are made anew. Declare the model inside the body so each run starts untrained.
struct SweepRun {
    let context: ExperimentContext
    let runtime: ExperimentRuntime

    init(_ context: ExperimentContext, runtime: ExperimentRuntime) {
        self.context = context
        self.runtime = runtime
    }

    func run() throws {
        guard case .sweep(let bindings, _) = context.statement.kind else { throw context.error("internal: not a sweep") }
        var axes: [[Value]] = []
        for b in bindings {
            let v = try context.evaluate(b.values)
            let items: [Value]
            switch v {
            case .list(let xs): items = xs
            case .range(let r): items = (0..<r.count).map { .int(r.element($0)) }
            case .tensor(let t) where t.rank == 1: items = t.value.toDoubles().map { .float($0) }
            default:
                throw ScriptError(.type, "sweep `\(b.name.name)` needs a list or a range of values, got \(v.typeName)", span: b.values.span)
            }
            guard !items.isEmpty else { throw ScriptError(.value, "sweep `\(b.name.name)` has no values", span: b.values.span) }
            axes.append(items)
        }
        // Counted in Double so that several long axes cannot overflow Int (and trap) before the limit check.
        let runs = axes.reduce(1.0) { $0 * Double($1.count) }
        guard runs <= 10_000 else { throw ScriptError(.limit, "a sweep of \(runs < 1e18 ? String(Int(runs)) : Format.float(runs)) runs is over the limit of 10000", span: context.span) }
        let total = Int(runs)
        let seedAxis = bindings.firstIndex { $0.name.name == "seed" }
        let baseSeed = RandomGenerator.current.seed
        let collector = SweepCollector()
        let here = (context.span.line, context.span.column)
        // Runs log in memory; the run's own metric log gets the aggregates afterwards.
        let outer = runtime.sweepCollector, savedMetrics = runtime.swapMetrics(nil)
        runtime.sweepCollector = collector
        do {
            defer { runtime.sweepCollector = outer; _ = runtime.swapMetrics(savedMetrics) }
            if let child = runtime.config.sweepChild, (child.line, child.column) == here {
                // This process is one run of a parallel sweep: run its combination, report, stop.
                try runOne(child.index, axes, bindings, seedAxis, baseSeed, collector, total)
                FileManager.default.createFile(atPath: child.resultPath, contents: try SweepProcesses.encode(collector.runs.last ?? [:]))
                exit(0)
            }
            if runtime.config.jobs > 1 && total > 1 && runtime.config.scriptPath != nil && runtime.config.sweepChild == nil {
                collector.runs = try SweepProcesses(runtime: runtime, line: here.0, column: here.1, span: context.span).run(total: total)
            } else {
                for k in 0..<total { try runOne(k, axes, bindings, seedAxis, baseSeed, collector, total) }
            }
        }
        try aggregate(collector)
    }

    /// Runs combination `k` (the last variable varies fastest) from its own seed.
    private func runOne(_ k: Int, _ axes: [[Value]], _ bindings: [SweepBinding], _ seedAxis: Int?, _ baseSeed: UInt64,
                        _ collector: SweepCollector, _ total: Int) throws {
        var rest = k
        var values = [Value](repeating: .none, count: axes.count)
        for i in stride(from: axes.count - 1, through: 0, by: -1) {
            values[i] = axes[i][rest % axes[i].count]
            rest /= axes[i].count
        }
        if let s = seedAxis, let n = Convert.int(values[s]), n >= 0 {
            RandomGenerator.seed(UInt64(n))
        } else {
            RandomGenerator.seed(baseSeed &+ UInt64(k))
        }
        collector.begin()
        _ = runtime.swapMetrics(nil)
        if !runtime.quiet {
            let desc = zip(bindings, values).map { "\($0.name.name) = \(Format.short($1))" }.joined(separator: ", ")
            FileHandle.standardError.write(Data("sweep run \(k + 1)/\(total): \(desc)\n".utf8))
        }
        try context.runSweepBody(values)
    }

    /// Binds every name the runs logged to its mean over runs, and records mean and std.
    private func aggregate(_ collector: SweepCollector) throws {
        // Aggregate every name any run logged, in first-seen order.
        var names: [String] = []
        for r in collector.runs { for n in r.keys.sorted() where !names.contains(n) { names.append(n) } }
        let main = collector.runs.isEmpty ? nil : try runtime.metricLog()
        for n in names {
            let agg = AggregatedSeries(name: n, runs: collector.runs.compactMap { $0[n] })
            context.setLog(n, .object(SeriesObject(aggregate: agg)))
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

extension ExperimentRuntime {
    /// Replaces the metric log (sweep runs log in memory), returning the previous one.
    func swapMetrics(_ m: MetricLog?) -> MetricLog? {
        let old = metrics
        metrics = m
        return old
    }
}
