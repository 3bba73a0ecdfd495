import Language
import Foundation
import Lab

/// `exp bench FILE`: runs a script quietly and summarizes how fast its training went, as one
/// JSON line shaped like the reference benchmark scripts' (../shared/bench/reference): median
/// and minimum ms per step with the warm-up steps left out, warm-up and total seconds, the first
/// and last training loss, and the mean loss over the last `tailSteps` steps (one batch's loss
/// scatters too much to compare runs by).
///
/// The script's own `print` lines are kept in `"output"` so stdout stays one JSON line. Run
/// outputs (metrics, figures) go to a temporary directory that is removed afterwards.
public struct ScriptBench {
    /// `--set` overrides, parsed (`ScriptRunner.parseOverride`).
    public var overrides: [String: Value] = [:]
    /// Steps at the start of each training run left out of the median (the references use 5).
    public var warmup = 5
    /// How many final steps `tail_loss` averages.
    public var tailSteps = 100
    /// `--allow-read` / `--allow-write` folders.
    public var fileAccess = FileAccess()
    /// Where diagnostics go.
    public var errorOutput: (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }

    public init() {}

    /// What a bench run measured.
    public struct Result {
        public var code: ExitCode
        public var reports: [TrainReport]
        public var output: [String]
        public var scriptSeconds: Double
    }

    /// Runs the script at `path` and returns its training reports and printed lines.
    public func measure(path: String) -> Result {
        let out = NSTemporaryDirectory() + "exp-bench-\(UUID().uuidString)"
        // A temporary folder; one left behind costs disk space, not a result.
        defer { try? FileManager.default.removeItem(atPath: out) }
        var options = Interpreter.Options()
        options.overrides = overrides
        var config = ExperimentRuntime.Config(scriptPath: path, scriptText: nil, outDirectory: out)
        config.quiet = true
        config.terminalOutput = { _ in }
        config.fileAccess = fileAccess
        let runtime = ExperimentRuntime(config)
        let lines = LineSink()
        var runner = ScriptRunner(options: options, output: { lines.items.append($0) }, errorOutput: errorOutput)
        runner.makeExperiments = { runtime }
        let t0 = DispatchTime.now().uptimeNanoseconds
        let code = runner.run(path: path)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
        return Result(code: code, reports: runtime.trainReports, output: lines.items, scriptSeconds: seconds)
    }

    /// The JSON line for a result (nil when the script trained nothing).
    public func json(file: String, _ result: Result) -> String? {
        guard let report = result.reports.last, report.stepsDone > 0 else { return nil }
        let times = report.stepSeconds
        let skip = min(max(warmup, 0), max(times.count - 1, 0))
        let timed = Array(times[skip...]).sorted()
        let mid = timed.count / 2
        let median = timed.count % 2 == 1 ? timed[mid] : (timed[mid - 1] + timed[mid]) / 2
        var fields: [String: Any] = [
            "file": file,
            "framework": "exp",
            "steps": report.stepsDone,
            "ms_per_step_median": rounded(1000 * median, 3),
            "ms_per_step_min": rounded(1000 * (timed.first ?? 0), 3),
            "warmup_s": rounded(times[..<skip].reduce(0, +), 3),
            "total_s": rounded(times.reduce(0, +), 3),
            "script_s": rounded(result.scriptSeconds, 3),
            "output": result.output,
        ]
        if let first = report.stepLosses.first { fields["init_loss"] = significant(first) }
        if let last = report.stepLosses.last { fields["final_loss"] = significant(last) }
        let tail = report.stepLosses.suffix(max(tailSteps, 1))
        if !tail.isEmpty { fields["tail_loss"] = significant(tail.reduce(0, +) / Double(tail.count)) }
        if result.reports.count > 1 { fields["trains"] = result.reports.count }
        if result.code != .ok { fields["exit_code"] = Int(result.code.rawValue) }
        // The fields are numbers, strings and NSNull only: serialization cannot fail.
        guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Six significant digits (a loss of 3.4e-7 stays 3.4e-7, not 0); NaN and infinities become
    /// JSON null.
    private func significant(_ x: Double) -> Any {
        guard x.isFinite else { return NSNull() }
        // "%.6g" always parses back as a Double.
        return Double(String(format: "%.6g", x)) ?? x
    }

    /// Rounded to `places` decimals; NaN and infinities (a run stopped on a non-finite loss)
    /// become JSON null.
    private func rounded(_ x: Double, _ places: Int) -> Any {
        guard x.isFinite else { return NSNull() }
        let f = pow(10.0, Double(places))
        return (x * f).rounded() / f
    }
}

/// Collects printed lines (the runner's output closure is escaping).
private final class LineSink: @unchecked Sendable {
    var items: [String] = []
}
