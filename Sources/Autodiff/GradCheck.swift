import Tensors

/// The outcome of comparing analytic gradients with central finite differences.
public struct GradCheckResult: CustomStringConvertible, Sendable {
    /// Largest |analytic - numeric| over all input elements.
    public let maxAbsError: Double
    /// Largest error relative to max(|analytic|, |numeric|, 1).
    public let maxRelError: Double
    /// Input index and flat element index of the worst disagreement.
    public let worst: (input: Int, element: Int)
    public let passed: Bool

    public var description: String {
        passed ? "gradcheck passed (max abs error \(maxAbsError))"
               : "gradcheck failed: input \(worst.input) element \(worst.element), abs error \(maxAbsError), rel error \(maxRelError)"
    }
}

/// Checks the gradient of `f` at `inputs` against central differences, in float64.
///
/// Non-scalar outputs are contracted with fixed pseudo-random weights, so every output element
/// counts and errors cannot cancel as they would under a plain sum (softmax sums to a constant).
/// Integer inputs are passed through unperturbed.
public func gradcheck(_ f: ([Variable]) throws -> Variable, inputs: [Tensor],
                      eps: Double = 1e-6, atol: Double = 1e-5, rtol: Double = 1e-4) throws -> GradCheckResult {
    let xs = inputs.map { $0.dtype.isFloating ? $0.cast(to: .float64) : $0 }
    // Weights w_i in [0.5, 1.5) from a fixed LCG: deterministic, nonzero, not all equal.
    func weights(_ n: Int) -> Tensor {
        var state: UInt64 = 0x9E3779B97F4A7C15
        return Tensor((0..<n).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return 0.5 + Double(state >> 11) / Double(1 << 53)
        }, dtype: .float64)
    }
    func objective(_ vars: [Variable]) throws -> Variable {
        let y = try f(vars)
        let w = Variable(weights(y.value.count).viewing(as: y.shape))
        return try sum(mul(y, w))
    }
    let analytic = try gradient(of: objective, at: xs).gradients
    var maxAbs = 0.0, maxRel = 0.0, worst = (0, 0), passed = true
    for (i, x) in xs.enumerated() where x.dtype.isFloating {
        var values = x.toDoubles()
        let g = analytic[i].toDoubles()
        for j in 0..<values.count {
            let orig = values[j]
            values[j] = orig + eps
            let plus = try noGrad { try objective(replacing(xs, i, values, x.shape)).value.item() }
            values[j] = orig - eps
            let minus = try noGrad { try objective(replacing(xs, i, values, x.shape)).value.item() }
            values[j] = orig
            let numeric = (plus - minus) / (2 * eps)
            let err = Swift.abs(numeric - g[j])
            let rel = err / Swift.max(Swift.abs(numeric), Swift.abs(g[j]), 1)
            if err > atol + rtol * Swift.abs(numeric) || !err.isFinite { passed = false }
            if err > maxAbs || !err.isFinite { maxAbs = err; worst = (i, j) }
            maxRel = Swift.max(maxRel, rel)
        }
    }
    return GradCheckResult(maxAbsError: maxAbs, maxRelError: maxRel, worst: worst, passed: passed)
}

private func replacing(_ xs: [Tensor], _ i: Int, _ values: [Double], _ shape: [Int]) throws -> [Variable] {
    var vars = xs.map { Variable($0) }
    vars[i] = Variable(try Tensor(values, shape: shape, dtype: .float64))
    return vars
}
