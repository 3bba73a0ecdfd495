import Language
import Autodiff
import Lab
import Tensors

/// A logged metric as a script value: `loss.last`, `loss.first`, `loss.min`, `loss[i]`,
/// `loss[10:]`, `loss.steps`, `loss.values`. After a sweep the series is the mean over runs,
/// with `.std` and `.runs` as well, and `plot` draws the band.
public final class SeriesObject: HostObject {
    public let series: MetricSeries
    /// Set for a sweep's aggregate.
    public let aggregate: AggregatedSeries?

    /// For one run of a sweep, its combination (`lr = 0.1, seed = 2`): the curve's default
    /// label when `plot s.runs` draws every run.
    public let label: String?
    /// The combination of each of `aggregate`'s runs, in run order.
    let runLabels: [String]

    public init(_ series: MetricSeries, label: String? = nil) {
        self.series = series
        self.aggregate = nil
        self.label = label
        self.runLabels = []
    }

    public init(aggregate: AggregatedSeries, runLabels: [String] = []) {
        self.series = aggregate.meanSeries
        self.aggregate = aggregate
        self.label = nil
        self.runLabels = runLabels
    }

    public var typeName: String { "series" }

    public var memberNames: [String] {
        ["first", "last", "min", "max", "mean", "argmin", "argmax", "steps", "values", "count", "name", "at", "first_step"]
            + (aggregate == nil ? [] : ["std", "runs"])
    }

    func number(_ x: Double?, _ what: String) throws -> Value {
        guard let x else { throw ScriptError(.value, "series `\(series.name)` is empty: it has no \(what)") }
        return .float(x)
    }

    public func member(_ name: String, _ context: CallContext) throws -> Value? {
        switch name {
        case "first": return try number(series.first, "first value")
        case "last": return try number(series.last, "last value")
        case "min": return try number(series.min, "minimum")
        case "max": return try number(series.max, "maximum")
        case "mean": return try number(series.mean, "mean")
        case "argmin", "argmax":
            let finite = series.values.enumerated().filter { !$0.element.isNaN }
            let best = name == "argmin" ? finite.min { $0.element < $1.element } : finite.max { $0.element < $1.element }
            guard let best else { throw ScriptError(.value, "series `\(series.name)` is empty") }
            return SeriesObject.step(series.steps[best.offset])
        case "steps": return .tensor(Variable(SeriesObject.stepsTensor(series.steps)))
        case "values": return .tensor(Variable(Tensor(series.values, dtype: .float64)))
        case "count": return .int(series.count)
        case "name": return .string(series.name)
        case "std": return aggregate.map { .object(SeriesObject(MetricSeries(name: $0.name + "_std", steps: $0.steps, values: $0.std))) }
        case "runs":
            return aggregate.map { agg in
                .list(agg.runs.enumerated().map { k, r in .object(SeriesObject(r, label: k < runLabels.count ? runLabels[k] : nil)) })
            }
        case "at": return .function(atMethod)
        case "first_step": return .function(firstStepMethod)
        default: return nil
        }
    }

    /// Logged steps as a tensor: int64 for step-based training, float64 for gradient flow's times.
    static func stepsTensor(_ steps: [Double]) -> Tensor {
        // The steps are checked integral and below 2^53 first, so building the int tensor from
        // them cannot fail; the float64 fallback is the same values.
        if steps.allSatisfy({ $0 == $0.rounded() && abs($0) < 9e15 }), let t = try? Tensor(ints: steps.map { Int($0) }) {
            return t
        }
        return Tensor(steps, dtype: .float64)
    }

    /// A logged step as a script value: an integer for step-based training, else the time.
    static func step(_ x: Double) -> Value {
        x == x.rounded() && abs(x) < 9e15 ? .int(Int(x)) : .float(x)
    }

    /// `s.at(step)`: the value logged at exactly that step; an error naming the nearest logged
    /// steps when it was not logged there.
    private var atMethod: Builtin {
        Builtin("at", ["step"], "the value logged at a step", .experiment) { [series] a, _ in
            let step = try a.double("step")
            if let i = series.steps.firstIndex(of: step) { return .float(series.values[i]) }
            let before = series.steps.last { $0 < step }, after = series.steps.first { $0 > step }
            let near = [before, after].compactMap { $0 }.map { Format.short(SeriesObject.step($0)) }
            throw ScriptError(.value, "series `\(series.name)` has no value logged at step \(Format.short(SeriesObject.step(step)))"
                + (near.isEmpty ? " (it is empty)" : "; the nearest logged steps are " + near.joined(separator: " and ")), argument: 0)
        }
    }

    /// `s.first_step(fn(v) = v >= 0.95)`: the first logged step whose value satisfies the
    /// predicate, or none when no step does.
    private var firstStepMethod: Builtin {
        Builtin("first_step", ["predicate"], "the first logged step where predicate(value) holds, or none", .experiment) { [series] a, ctx in
            guard case .function(let f) = try a.value("predicate") else { throw a.typeError("predicate", expected: "a function of the value, e.g. fn(v) = v < 0.1") }
            for (step, v) in zip(series.steps, series.values) {
                let r = try ctx.interpreter.callFunction(f, Arguments([.float(v)]))
                if try Convert.isTruthy(r) { return SeriesObject.step(step) }
            }
            return .none
        }
    }

    /// `s[i]` is the i-th logged value (negative from the end); `s[a:b]` a shorter series.
    public func index(_ items: [Value], _ context: CallContext) throws -> Value? {
        guard items.count == 1 else { throw ScriptError(.index, "a series takes one index, got \(items.count)") }
        let n = series.count
        switch items[0] {
        case .int(let i):
            let j = i < 0 ? i + n : i
            guard j >= 0, j < n else {
                throw ScriptError(.index, "index \(i) is out of range for series `\(series.name)` of length \(n)")
            }
            return .float(series.values[j])
        case .range(let r):
            let lo = max(0, min(n, r.start < 0 ? r.start + n : r.start)), hi = max(lo, min(n, r.end < 0 ? r.end + n : r.end))
            return .object(SeriesObject(series.slice(lo..<hi)))
        case .list(let parts) where parts.count == 3:
            // A slice arrives as [start, stop, step] (none for omitted parts).
            // The evaluator rejects non-integer slice parts, so nil here is an omitted step.
            let step = Convert.int(parts[2]) ?? 1
            guard step == 1 else { throw ScriptError(.value, "series slices take no step") }
            func bound(_ v: Value, _ d: Int) -> Int {
                guard let i = Convert.int(v) else { return d }
                return max(0, min(n, i < 0 ? i + n : i))
            }
            let lo = bound(parts[0], 0), hi = bound(parts[1], n)
            return .object(SeriesObject(series.slice(lo..<max(lo, hi))))
        default:
            throw ScriptError(.type, "a series is indexed by an integer or a slice, got \(items[0].typeName)")
        }
    }

    public var description: String {
        let last = series.last.map { Format.float($0) } ?? "-"
        let spread = aggregate.map { " over \($0.runs.count) runs" } ?? ""
        return "<series \(series.name): \(series.count) points\(spread), last \(last)>"
    }
}
