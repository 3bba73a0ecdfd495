import Language
import Foundation
import Lab
import Tensors

/// What settings.json says about a run: the effective configuration a researcher would need to
/// run it again or to tell two runs apart.
///
/// - `lets`: every top-level `let` of the script with its value as settings.json is written
///   (when the run directory is made, and again when the script ends, so a `let` defined after
///   the first train is there too). Numbers, strings, booleans, `none`, lists and records are
///   JSON; a tensor is `{"tensor": {"shape": [..], "dtype": ".."}}` (its values are in the
///   saves and metrics, not here); a list of more than 100 items is `{"list": {"count": N}}`;
///   a function, model, task or optimizer is its one-line description as a string. NaN and
///   infinities are the strings "nan", "inf", "-inf", as in metrics.json.
/// - `seed`, `overrides` (the `--set` texts as typed), `exp_version`, `precision`, `threads`,
///   `started`, `script`.
/// - `git`: `{"commit": .., "dirty": ..}` for the script's folder when it is inside a git
///   repository (`GitRevision`); absent otherwise.
struct RunSettings {
    static let longList = 100

    var base: [String: Any]

    /// The settings known when the run directory is made.
    init(config: ExperimentRuntime.Config, folder: URL?) {
        base = [
            "exp_version": ExpVersion.string,
            "script": config.scriptPath ?? "<repl>",
            "seed": RandomGenerator.current.seed,
            "precision": DefaultDType.float == .float64 ? "f64" : "f32",
            "threads": ProcessInfo.processInfo.activeProcessorCount,
            "started": ISO8601DateFormatter().string(from: Date()),
        ]
        if !config.overrides.isEmpty { base["overrides"] = config.overrides }
        if let folder, let git = GitRevision.of(folder: folder) {
            base["git"] = ["commit": git.commit, "dirty": git.dirty]
        }
    }

    /// The settings with the current values of the script's top-level lets.
    func json(lets names: [String], value: (String) -> Value?) -> [String: Any] {
        var out = base
        var lets: [String: Any] = [:]
        // A let the script has not reached (it stopped before it) is left out: it had no value.
        for n in names { if let v = value(n) { lets[n] = Self.json(v) } }
        out["lets"] = lets
        return out
    }

    /// A value as JSON (see the type's comment for what each kind becomes).
    static func json(_ v: Value) -> Any {
        switch v {
        case .int(let n): return n
        case .float(let x): return x.isFinite ? x as Any : Format.float(x)
        case .bool(let b): return b
        case .string(let s): return s
        case .none: return NSNull()
        case .list(let xs):
            return xs.count > longList ? ["list": ["count": xs.count]] : xs.map(json)
        case .record(let r):
            var o: [String: Any] = [:]
            for (k, x) in r.fields { o[k] = json(x) }
            return o
        case .tensor(let t):
            return ["tensor": ["shape": t.value.shape, "dtype": "\(t.value.dtype)"]]
        case .range, .function, .object:
            return Format.short(v)
        }
    }
}
