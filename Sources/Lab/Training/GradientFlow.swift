import Autodiff
import Foundation
import Tensors

/// Integrates gradient flow dθ/dt = −∇L(θ) with the Dormand–Prince 5(4) adaptive Runge–Kutta
/// method. The theory papers analyse this ODE; integrating it (instead of taking tiny GD steps)
/// gives the continuous-time trajectory with a controlled local error.
public struct GradientFlow: CustomStringConvertible, Sendable {
    /// Relative and absolute local error tolerances.
    public var rtol: Double, atol: Double
    /// First trial step and the bounds on the step size.
    public var initialStep: Double, minStep: Double, maxStep: Double

    public init(rtol: Double = 1e-6, atol: Double = 1e-9, initialStep: Double = 1e-3, minStep: Double = 1e-12, maxStep: Double = .infinity) throws {
        guard rtol > 0, atol > 0, initialStep > 0, minStep > 0, maxStep >= minStep else {
            throw OptimizerError("gradient_flow needs positive tolerances and step bounds")
        }
        self.rtol = rtol
        self.atol = atol
        self.initialStep = initialStep
        self.minStep = minStep
        self.maxStep = maxStep
    }

    public var description: String { "gradient_flow(rtol: \(rtol), atol: \(atol))" }

    /// Statistics of one integration.
    public struct Stats: Sendable {
        public var accepted = 0, rejected = 0, evaluations = 0
    }
}

/// Gradient flow for the `TrainingLoop`: positions are times; the rule stops at every multiple
/// of an `every` interval and at the horizon, and each advance integrates to the next of them,
/// landing on it exactly. The loss is deterministic (one batch, step 0's, drawn at the start),
/// and its gradient is taken with the position bound to 0: the flow is autonomous.
/// Parameters are integrated in float64 and handed back in their original dtypes.
public final class GradientFlowSteps: StepRule {
    public let flow: GradientFlow
    /// Statistics of the integration so far.
    public private(set) var stats = GradientFlow.Stats()
    /// The times the flow stops at, ascending, the horizon last.
    private var times: [Double] = []
    private var next = 0
    /// Whether the parameters stand at a log time (0 is one when any interval is set).
    private var atLogTime = false
    private var shapes: [[Int]] = [], dtypes: [DType] = [], sizes: [Int] = []
    /// The state: time, parameters (flattened), the next trial step, and ∇ at `y` negated.
    private var t = 0.0, y: [Double] = [], h = 0.0, k1: [Double] = []
    private var loss: ((Double) throws -> Variable)?

    public init(_ flow: GradientFlow) {
        self.flow = flow
    }

    public func begin(to horizon: Double, intervals: [Double], _ loop: TrainingLoop) throws {
        times = intervals.flatMap { stride(from: 0.0, through: horizon, by: $0).map { $0 } } + [horizon]
        times = Array(Set(times)).sorted()
        next = 0
        let start = loop.store.trainableParameters()
        shapes = start.map(\.shape)
        dtypes = start.map { $0.dtype.isFloating ? $0.dtype : DefaultDType.float }
        sizes = shapes.map(Shape.count)
        y = start.flatMap { $0.toDoubles() }
        stats = GradientFlow.Stats()
        t = 0
        h = flow.initialStep
        loss = try loop.batch(0)
        k1 = try field(y, loop)
        atLogTime = times.first == 0
        if atLogTime { next = 1 }
    }

    public func logs(at position: Double) -> Bool { atLogTime }

    /// Times are sums of floating steps landing on k·dt, which need not divide exactly.
    public func isMultiple(_ position: Double, of interval: Double) -> Bool {
        position.truncatingRemainder(dividingBy: interval) == 0 || abs(position.remainder(dividingBy: interval)) < 1e-9 * max(1, position)
    }

    /// The loss is not checked here: the gradient evaluation at these parameters was.
    public func evaluate(at position: Double, last: Bool, _ loop: TrainingLoop) throws -> Double {
        try loop.store.setTrainableParameters(unpack(y))
        return try noGrad { try lossOnBatch()(position).value.item() }
    }

    public func advance(from position: Double, _ loop: TrainingLoop) throws -> Double? {
        guard next < times.count else { throw OptimizerError("internal: gradient_flow advanced past its horizon") }
        let target = times[next]
        guard target >= t else { throw OptimizerError("gradient_flow: times must be ascending and ≥ 0, got \(target) after \(t)") }
        atLogTime = false
        while t < target {
            if loop.stopRequested() { return nil }
            try substep(toward: target, loop)
        }
        next += 1
        atLogTime = true
        return t
    }

    public func end(_ loop: TrainingLoop) throws {
        try loop.store.setTrainableParameters(unpack(y))
    }

    // MARK: - Dormand–Prince

    private func lossOnBatch() throws -> (Double) throws -> Variable {
        guard let loss else { throw OptimizerError("internal: gradient_flow evaluated before it began") }
        return loss
    }

    private func unpack(_ v: [Double]) throws -> [Tensor] {
        var out: [Tensor] = []
        var at = 0
        for (i, shape) in shapes.enumerated() {
            out.append(try Tensor(Array(v[at..<at + sizes[i]]), shape: shape, dtype: dtypes[i]))
            at += sizes[i]
        }
        return out
    }

    /// −∇L at `v`, from the loss on the tape at position 0.
    private func field(_ v: [Double], _ loop: TrainingLoop) throws -> [Double] {
        stats.evaluations += 1
        let tape = loop.tape
        tape.reset()
        let leaves = try unpack(v).map { tape.variable($0) }
        try loop.store.setTrainableVariables(leaves)
        let l = try lossOnBatch()(0)
        // Only the check matters here: the flow needs the gradient, not the loss's value.
        _ = try loop.checkedValue(l, at: 0)
        let g = try tape.gradients(of: l, wrt: leaves)
        guard g.count == shapes.count else { throw OptimizerError("gradient_flow: \(g.count) gradients for \(shapes.count) parameters") }
        var out = [Double]()
        out.reserveCapacity(y.count)
        for t in g { out += t.toDoubles().map { -$0 } }
        guard out.count == y.count else { throw OptimizerError("gradient_flow: gradient shapes do not match the parameters") }
        return out
    }

    // Dormand–Prince coefficients (Hairer, Nørsett & Wanner, Table 5.2).
    private static let a: [[Double]] = [
        [],
        [1.0 / 5],
        [3.0 / 40, 9.0 / 40],
        [44.0 / 45, -56.0 / 15, 32.0 / 9],
        [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
        [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
        [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84],
    ]
    private static let b5: [Double] = [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0]
    private static let b4: [Double] = [5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40]

    /// One trial step toward `target`: accepted (t and y move) or rejected; the step size adapts.
    private func substep(toward target: Double, _ loop: TrainingLoop) throws {
        let a = Self.a, b5 = Self.b5, b4 = Self.b4
        let step = min(h, target - t, flow.maxStep)
        var k: [[Double]] = [k1]
        var stage = y
        for s in 1..<7 {
            for i in 0..<y.count {
                var acc = 0.0
                for j in 0..<s { acc += a[s][j] * k[j][i] }
                stage[i] = y[i] + step * acc
            }
            k.append(try field(stage, loop))
        }
        // stage now holds the 5th-order solution (row 7 of a equals b5: FSAL).
        var err = 0.0
        for i in 0..<y.count {
            var e = 0.0
            for j in 0..<7 { e += (b5[j] - b4[j]) * k[j][i] }
            let scale = flow.atol + flow.rtol * max(abs(y[i]), abs(stage[i]))
            let r = abs(step * e) / scale
            // NaN compares false, so max() would drop it: catch it explicitly.
            if !r.isFinite || !stage[i].isFinite { err = .nan; break }
            err = max(err, r)
        }
        if !err.isFinite {
            throw OptimizerError("gradient_flow: the gradient became non-finite at t = \(t)")
        }
        if err <= 1 {
            t += step
            y = stage
            k1 = k[6]
            stats.accepted += 1
            if t >= target - 1e-15 * max(1, target) { t = target }
        } else {
            stats.rejected += 1
        }
        let factor = err == 0 ? 5 : min(5, max(0.2, 0.9 * pow(err, -0.2)))
        h = step * factor
        if h < flow.minStep {
            throw OptimizerError("gradient_flow: step size fell below \(flow.minStep) at t = \(t) (the flow is stiff here)")
        }
    }
}
