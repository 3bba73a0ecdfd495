import Tensors

/// A logged scalar metric: values at steps (or times, for gradient flow), in logging order.
public struct MetricSeries: Sendable, Equatable {
    public let name: String
    public internal(set) var steps: [Double]
    public internal(set) var values: [Double]

    public init(name: String, steps: [Double] = [], values: [Double] = []) {
        self.name = name
        self.steps = steps
        self.values = values
    }

    public var count: Int { values.count }
    public var first: Double? { values.first }
    public var last: Double? { values.last }
    /// Smallest and largest finite values (NaN entries are skipped).
    public var min: Double? { values.filter { !$0.isNaN }.min() }
    public var max: Double? { values.filter { !$0.isNaN }.max() }
    public var mean: Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }

    /// The entries whose positions are in `range` (already clamped by the caller).
    public func slice(_ range: Range<Int>) -> MetricSeries {
        MetricSeries(name: name, steps: Array(steps[range]), values: Array(values[range]))
    }

    mutating func append(step: Double, value: Double) {
        steps.append(step)
        values.append(value)
    }
}

/// A logged tensor metric (a weight matrix, an attention map) at steps.
public struct TensorSeries: Sendable {
    public let name: String
    public internal(set) var steps: [Double] = []
    public internal(set) var values: [Tensor] = []

    public init(name: String) { self.name = name }
}

/// Mean and spread of one metric across independent runs (a sweep's seeds), aligned by step.
public struct AggregatedSeries: Sendable {
    public let name: String
    public let steps: [Double]
    public let mean: [Double]
    public let std: [Double]
    /// The runs themselves, in run order.
    public let runs: [MetricSeries]

    /// Aggregates runs over the steps they all logged (population standard deviation).
    public init(name: String, runs: [MetricSeries]) {
        self.name = name
        self.runs = runs
        let common = runs.dropFirst().reduce(Set(runs.first?.steps ?? [])) { $0.intersection($1.steps) }
        let steps = (runs.first?.steps ?? []).filter { common.contains($0) }
        self.steps = steps
        var mean: [Double] = [], std: [Double] = []
        let lookup = runs.map { Dictionary(zip($0.steps, $0.values), uniquingKeysWith: { _, b in b }) }
        for s in steps {
            let xs = lookup.compactMap { $0[s] }
            let m = xs.reduce(0, +) / Double(max(xs.count, 1))
            let v = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(max(xs.count, 1))
            mean.append(m)
            std.append(v.squareRoot())
        }
        self.mean = mean
        self.std = std
    }

    /// The mean as an ordinary series (what `.last` and `expect` read).
    public var meanSeries: MetricSeries { MetricSeries(name: name, steps: steps, values: mean) }
}
