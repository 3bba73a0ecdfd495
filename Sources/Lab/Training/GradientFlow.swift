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

    /// Integrates from t = 0 to each time in `times` (ascending, ≥ 0) in turn, calling `observe`
    /// with (time, parameters) on arrival; the step is shortened to land on each time exactly.
    /// `gradient` returns ∇L at the given parameters. Parameters are integrated in float64 and
    /// handed back in their original dtypes. `shouldStop` is polled between steps (Ctrl-C).
    public func integrate(_ start: [Tensor], times: [Double],
                          gradient: ([Tensor]) throws -> [Tensor],
                          observe: (Double, [Tensor]) throws -> Void,
                          shouldStop: () -> Bool = { false }) throws -> (params: [Tensor], stats: Stats) {
        let shapes = start.map(\.shape), dtypes = start.map { $0.dtype.isFloating ? $0.dtype : DefaultDType.float }
        let sizes = shapes.map(Shape.count)
        var y = start.flatMap { $0.toDoubles() }
        var stats = Stats()

        func unpack(_ v: [Double]) throws -> [Tensor] {
            var out: [Tensor] = []
            var at = 0
            for (i, shape) in shapes.enumerated() {
                out.append(try Tensor(Array(v[at..<at + sizes[i]]), shape: shape, dtype: dtypes[i]))
                at += sizes[i]
            }
            return out
        }
        func field(_ v: [Double]) throws -> [Double] {
            stats.evaluations += 1
            let g = try gradient(unpack(v))
            guard g.count == shapes.count else { throw OptimizerError("gradient_flow: \(g.count) gradients for \(shapes.count) parameters") }
            var out = [Double]()
            out.reserveCapacity(y.count)
            for t in g { out += t.toDoubles().map { -$0 } }
            guard out.count == y.count else { throw OptimizerError("gradient_flow: gradient shapes do not match the parameters") }
            return out
        }

        // Dormand–Prince coefficients (Hairer, Nørsett & Wanner, Table 5.2).
        let a: [[Double]] = [
            [],
            [1.0 / 5],
            [3.0 / 40, 9.0 / 40],
            [44.0 / 45, -56.0 / 15, 32.0 / 9],
            [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
            [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
            [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84],
        ]
        let b5: [Double] = [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0]
        let b4: [Double] = [5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40]

        var t = 0.0, h = initialStep
        var k1 = try field(y)
        for target in times {
            guard target >= t else { throw OptimizerError("gradient_flow: times must be ascending and ≥ 0, got \(target) after \(t)") }
            while t < target {
                if shouldStop() { return (try unpack(y), stats) }
                let step = min(h, target - t, maxStep)
                var k: [[Double]] = [k1]
                var stage = y
                for s in 1..<7 {
                    for i in 0..<y.count {
                        var acc = 0.0
                        for j in 0..<s { acc += a[s][j] * k[j][i] }
                        stage[i] = y[i] + step * acc
                    }
                    k.append(try field(stage))
                }
                // stage now holds the 5th-order solution (row 7 of a equals b5: FSAL).
                var err = 0.0
                for i in 0..<y.count {
                    var e = 0.0
                    for j in 0..<7 { e += (b5[j] - b4[j]) * k[j][i] }
                    let scale = atol + rtol * max(abs(y[i]), abs(stage[i]))
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
                if h < minStep {
                    throw OptimizerError("gradient_flow: step size fell below \(minStep) at t = \(t) (the flow is stiff here)")
                }
            }
            try observe(t, try unpack(y))
        }
        return (try unpack(y), stats)
    }
}
